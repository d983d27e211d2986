#include "common/Error.h"
#include "model/CheckpointFolder.h"
#include "model/GeoChatModel.h"
#include "model/ModelFolderCheck.h"
#include "model/SafetensorsWriter.h"
#include "TinyModel.h"

#include <filesystem>
#include <fstream>

#include <QTemporaryDir>
#include <QtTest>

using namespace geolens;
namespace fs = std::filesystem;

namespace {
const std::string TokenizerModel = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";
}

// Model folders as downloads really leave them, each built from a tiny model: the check names
// every problem at once, with how to resume, before any weight is read; and a checkpoint that
// keeps its vision tower apart loads it from the CLIP folder the user names.
class TestModelFolderCheck : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    std::string freshModel(const std::string &name, test::TinyLayout layout)
    {
        const std::string folder = dir_.filePath(QString::fromStdString(name)).toStdString();
        test::writeTinyModel(folder, test::TinyModelSpec{}, layout, TokenizerModel);
        return folder;
    }

    static void writeFile(const fs::path &path, const std::string &content)
    {
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << content;
    }

    static void truncate(const fs::path &path, std::uintmax_t size) { fs::resize_file(path, size); }

    static bool mentions(const ModelFolderReport &r, const std::string &file, const std::string &words)
    {
        for (const FolderProblem &p : r.problems)
            if (p.file == file && p.problem.find(words) != std::string::npos)
                return true;
        return false;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        if (!fs::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
    }

    void completeFoldersPass()
    {
        for (const auto layout : {test::TinyLayout::GeoChat, test::TinyLayout::LlavaHf, test::TinyLayout::GeoChatBin}) {
            const std::string folder = freshModel("complete-" + std::to_string(int(layout)), layout);
            const ModelFolderReport r = inspectModelFolder(folder);
            QVERIFY2(r.complete(), r.message().c_str());
            QVERIFY(r.message().empty());
        }
    }

    // Broken off half way through the second of two shards, with huggingface_hub's partial file
    // beside it: every problem in one message, and the command that resumes.
    void brokenShardedDownload()
    {
        const std::string folder = freshModel("broken-bin", test::TinyLayout::GeoChatBin);
        const fs::path second = fs::path(folder) / "pytorch_model-00002-of-00002.bin";
        truncate(second, fs::file_size(second) / 2);
        writeFile(fs::path(folder) / ".cache/huggingface/download/pytorch_model-00002-of-00002.bin.0a1b.incomplete", "x");
        const ModelFolderReport r = inspectModelFolder(folder);
        QCOMPARE(int(r.problems.size()), 2);
        QVERIFY(mentions(r, "pytorch_model-00002-of-00002.bin", "stopped part way"));
        QVERIFY(mentions(r, ".cache/huggingface/download/pytorch_model-00002-of-00002.bin.0a1b.incomplete",
                         "still being downloaded"));
        QVERIFY(r.huggingFaceCache);
        const std::string message = r.message();
        QVERIFY2(message.find("2 problems") != std::string::npos, message.c_str());
        QVERIFY2(message.find("hf download") != std::string::npos, message.c_str());

        // Loading says the same, before reading a weight.
        try {
            GeoChatModel::load(folder, ModelLoadOptions{});
            QFAIL("an incomplete folder loaded");
        } catch (const IncompleteModelFolder &e) {
            QCOMPARE(int(e.report().problems.size()), 2);
            QVERIFY(std::string(e.what()).find(folder) == 0);
        }
    }

    void missingShardAndPartFile()
    {
        const std::string folder = freshModel("missing-shard", test::TinyLayout::GeoChatBin);
        fs::remove(fs::path(folder) / "pytorch_model-00001-of-00002.bin");
        writeFile(fs::path(folder) / "pytorch_model-00001-of-00002.bin.part", "partial");
        const ModelFolderReport r = inspectModelFolder(folder);
        QCOMPARE(int(r.problems.size()), 2);
        QVERIFY(mentions(r, "pytorch_model-00001-of-00002.bin", "is missing (pytorch_model.bin.index.json lists"));
        QVERIFY(mentions(r, "pytorch_model-00001-of-00002.bin.part", "still being downloaded"));
    }

    // A safetensors file cut short: its header says how long it must be.
    void shortSafetensors()
    {
        const std::string folder = freshModel("short-safetensors", test::TinyLayout::LlavaHf);
        const fs::path weights = fs::path(folder) / "model.safetensors";
        truncate(weights, fs::file_size(weights) - 100);
        const ModelFolderReport r = inspectModelFolder(folder);
        QCOMPARE(int(r.problems.size()), 1);
        QVERIFY2(mentions(r, "model.safetensors", "but its tensors need"), r.message().c_str());
        truncate(weights, 5);
        QVERIFY(mentions(inspectModelFolder(folder), "model.safetensors", "shorter than a safetensors header"));
    }

    // A git clone without git-lfs: pointer files where the weights and the tokenizer should be.
    void gitLfsPointers()
    {
        const std::string folder = freshModel("lfs", test::TinyLayout::GeoChat);
        const std::string pointer = "version https://git-lfs.github.com/spec/v1\n"
                                    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                                    "size 13476839424\n";
        writeFile(fs::path(folder) / "model.safetensors", pointer);
        writeFile(fs::path(folder) / "tokenizer.model", pointer);
        fs::create_directories(fs::path(folder) / ".git");
        const ModelFolderReport r = inspectModelFolder(folder);
        QCOMPARE(int(r.problems.size()), 2);
        QVERIFY(mentions(r, "model.safetensors", "git-lfs pointer, not the weights (the real file has 13.5 GB)"));
        QVERIFY(mentions(r, "tokenizer.model", "git-lfs pointer"));
        QVERIFY(r.gitClone);
        QVERIFY2(r.message().find("git lfs pull") != std::string::npos, r.message().c_str());
    }

    void noWeightsNoConfig()
    {
        const std::string folder = dir_.filePath("empty").toStdString();
        fs::create_directories(folder);
        const ModelFolderReport r = inspectModelFolder(folder);
        QCOMPARE(int(r.problems.size()), 3);
        QVERIFY(mentions(r, "config.json", "is missing"));
        QVERIFY(mentions(r, "tokenizer.model", "is missing"));
        QVERIFY(mentions(r, "model.safetensors", "holds no weights"));
        QVERIFY(!inspectModelFolder(dir_.filePath("no-such-folder").toStdString()).complete());
    }

    // The original LLaVA-1.5 releases keep CLIP apart: the same model split in two loads from both
    // folders and answers as the whole one does; without the tower's folder it is refused with
    // what to download.
    void visionTowerFromItsOwnFolder()
    {
        const std::string whole = freshModel("whole", test::TinyLayout::GeoChat);
        const std::string split = freshModel("split", test::TinyLayout::GeoChat);
        const std::string tower = dir_.filePath("clip-tower").toStdString();
        fs::create_directories(tower);
        fs::copy_file(fs::path(split) / "vision_tower" / "config.json", fs::path(tower) / "config.json");
        fs::copy_file(fs::path(split) / "vision_tower" / "preprocessor_config.json",
                      fs::path(tower) / "preprocessor_config.json");
        {
            const TensorMap all = readCheckpointFolder(split);
            const std::string prefix = "model.vision_tower.vision_tower.vision_model.";
            std::vector<TensorBytes> language, vision;
            for (const auto &[name, t] : all) {
                const bool isVision = name.rfind(prefix, 0) == 0;
                TensorBytes b = TensorBytes::view(isVision ? "vision_model." + name.substr(prefix.size()) : name, t.dtype,
                                                  t.shape, t.data(), t.extentBytes(), t.file);
                (isVision ? vision : language).push_back(std::move(b));
            }
            QVERIFY(!vision.empty());
            writeSafetensors(tower + "/model.safetensors", vision);
            writeSafetensors(split + "/model.safetensors.tmp", language);
        }
        fs::rename(split + "/model.safetensors.tmp", split + "/model.safetensors");

        ModelLoadOptions options;
        options.device = ComputeDevice::Cpu;
        options.imageSize = 24;
        try {
            GeoChatModel::load(split, options);
            QFAIL("a checkpoint without its vision tower loaded");
        } catch (const FileError &e) {
            const std::string message = e.what();
            QVERIFY2(message.find("no vision-tower weights") != std::string::npos, message.c_str());
            QVERIFY2(message.find("--vision-tower") != std::string::npos, message.c_str());
            QVERIFY2(message.find("openai/clip-vit-large-patch14-336") != std::string::npos, message.c_str());
        }

        options.visionTower = tower;
        const auto fromTwo = GeoChatModel::load(split, options);
        options.visionTower.clear();
        const auto fromOne = GeoChatModel::load(whole, options);
        RgbImage image{24, 24, std::vector<std::uint8_t>(24 * 24 * 3)};
        for (std::size_t i = 0; i < image.pixels.size(); ++i)
            image.pixels[i] = static_cast<std::uint8_t>(i * 13 % 251);
        GenerationRequest request;
        request.question = "What is in this image?";
        request.maxNewTokens = 6;
        const auto a = fromTwo->generate(image, request);
        const auto b = fromOne->generate(image, request);
        QCOMPARE(a.tokens, b.tokens);
        QVERIFY(!a.tokens.empty());

        options.visionTower = dir_.filePath("no-tower-here").toStdString();
        QVERIFY_THROWS_EXCEPTION(FileError, GeoChatModel::load(split, options));
    }
};

QTEST_GUILESS_MAIN(TestModelFolderCheck)
#include "tst_model_folder_check.moc"
