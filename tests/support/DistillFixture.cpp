#include "DistillFixture.h"

#include "TinyModel.h"
#include "common/JsonIo.h"
#include "model/GeoChatModel.h"
#include "model/PortablePixmap.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

namespace geolens::test {

namespace {

const char *const Questions[] = {"What is in this image?", "Describe the scene.", "Classify the image.",
                                 "Is there water?", "What land cover dominates?", "Count the buildings."};

} // namespace

DistillFixture writeDistillFixture(const std::string &dir, const std::string &tokenizerPath)
{
    DistillFixture f;
    TinyModelSpec teacher;
    teacher.geochat = false;
    teacher.outputScale = 24.0;
    f.teacher = dir + "/teacher";
    writeTinyModel(f.teacher, teacher, TinyLayout::LlavaHf, tokenizerPath);
    TinyModelSpec student;
    student.geochat = false;
    student.layers = 1;
    student.intermediate = 40;
    f.student = dir + "/student";
    writeTinyModel(f.student, student, TinyLayout::LlavaHf, tokenizerPath);

    f.images = dir + "/images";
    std::filesystem::create_directories(f.images);
    ModelLoadOptions cpu;
    cpu.device = ComputeDevice::Cpu;
    cpu.dtype = WeightType::F32;
    auto model = GeoChatModel::load(f.teacher, cpu);
    Json entries = Json::array();
    for (int i = 0; i < DistillFixtureEntries; ++i) {
        const int width = 24 + (i % 3) * 8, height = 24;
        RgbImage image{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 3)};
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                for (int c = 0; c < 3; ++c)
                    image.pixels[(static_cast<std::size_t>(y) * width + x) * 3 + c] =
                        static_cast<std::uint8_t>(100 + (x * 7 + y * 13 + c * 50 + i * 29) % 24);
        const std::string name = "img" + std::to_string(i) + ".ppm";
        writePortablePixmap(f.images + "/" + name, image);
        GenerationRequest request;
        request.question = Questions[i % 6];
        request.maxNewTokens = DistillFixtureAnswerTokens;
        const std::string answer = model->generate(image, request).text;
        Json entry = Json::object();
        entry["id"] = "e" + std::to_string(i);
        entry["image"] = name;
        entry["conversations"] = Json::array({{{"from", "human"}, {"value", std::string("<image>\n") + Questions[i % 6]}},
                                              {{"from", "gpt"}, {"value", answer}}});
        entries.push_back(entry);
    }
    f.data = dir + "/data.json";
    std::ofstream(f.data) << dumpJson(entries, 1);
    return f;
}

std::vector<MetricsRecord> readRunMetrics(const std::string &runDir)
{
    std::ifstream in(runDir + "/metrics.jsonl");
    std::vector<MetricsRecord> records;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::optional<MetricsRecord> record = MetricsRecord::parse(line);
        if (!record)
            throw std::runtime_error("metrics.jsonl holds a line that is not a record: " + line);
        records.push_back(std::move(*record));
    }
    return records;
}

} // namespace geolens::test
