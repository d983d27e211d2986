#include "model/ModelFolderCheck.h"

#include "common/JsonIo.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace geolens {

namespace {

namespace fs = std::filesystem;

// git-lfs leaves this small text file in place of a large one until `git lfs pull` fetches it.
const char LfsPointerStart[] = "version https://git-lfs.github.com/spec/v1";

std::string readPrefix(const fs::path &file, std::size_t bytes)
{
    std::ifstream in(file, std::ios::binary);
    std::string data(bytes, '\0');
    in.read(data.data(), static_cast<std::streamsize>(bytes));
    data.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    return data;
}

bool isLfsPointer(const fs::path &file)
{
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || size > 1024)
        return false;
    return readPrefix(file, sizeof LfsPointerStart - 1) == LfsPointerStart;
}

// The size the pointer says the real file has, for the message; 0 when it does not say.
std::uint64_t lfsPointerSize(const fs::path &file)
{
    std::istringstream lines(readPrefix(file, 1024));
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("size ", 0) == 0) {
            try {
                return std::stoull(line.substr(5));
            } catch (const std::exception &) {
                return 0;
            }
        }
    }
    return 0;
}

std::string gigabytes(std::uint64_t bytes)
{
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(1);
    if (bytes >= 100'000'000)
        out << static_cast<double>(bytes) / 1e9 << " GB";
    else if (bytes < 1'000'000)
        return std::to_string(bytes) + " bytes";
    else
        out << static_cast<double>(bytes) / 1e6 << " MB";
    return out.str();
}

// The bytes a safetensors file must have: its header and the end of its last tensor. Empty when the
// header cannot be read (then the file is shorter than its own header says).
std::string safetensorsShortfall(const fs::path &file, std::uint64_t size)
{
    if (size < 8)
        return "is " + std::to_string(size) + " bytes, shorter than a safetensors header: the download stopped "
               "at its start.";
    const std::string lengthBytes = readPrefix(file, 8);
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | static_cast<unsigned char>(lengthBytes[static_cast<std::size_t>(i)]);
    if (headerLength > 100'000'000)
        return "does not start with a safetensors header.";
    if (size < 8 + headerLength)
        return "is " + std::to_string(size) + " bytes, shorter than its own header (" +
               std::to_string(8 + headerLength) + " bytes): the download stopped part way.";
    std::uint64_t end = 0;
    try {
        const Json header = parseJson(readPrefix(file, 8 + headerLength).substr(8));
        for (const auto &[name, entry] : header.items()) {
            if (name == "__metadata__")
                continue;
            if (const Json *offsets = jsonMember(entry, "data_offsets"); offsets && offsets->is_array() && offsets->size() == 2)
                if (const auto last = exactInt64((*offsets)[1]); last && *last > 0)
                    end = std::max(end, static_cast<std::uint64_t>(*last));
        }
    } catch (const std::exception &) {
        return "does not start with a readable safetensors header.";
    }
    const std::uint64_t needed = 8 + headerLength + end;
    if (size < needed)
        return "is " + gigabytes(size) + ", but its tensors need " + gigabytes(needed) +
               ": the download stopped part way.";
    return {};
}

// A torch.save checkpoint is a zip archive, whose directory is written at its very end: a file cut
// short has none.
std::string zipShortfall(const fs::path &file, std::uint64_t size)
{
    const std::uint64_t tail = std::min<std::uint64_t>(size, 65536 + 22);
    std::ifstream in(file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(size - tail));
    std::string data(tail, '\0');
    in.read(data.data(), static_cast<std::streamsize>(tail));
    const char endOfDirectory[] = {'P', 'K', '\x05', '\x06'};
    const bool hasDirectory =
        std::search(data.rbegin(), data.rend(), std::rbegin(endOfDirectory), std::rend(endOfDirectory)) != data.rend();
    if (size < 4 || readPrefix(file, 2) != "PK")
        return "is not a PyTorch checkpoint (a zip archive).";
    if (!hasDirectory)
        return "is " + gigabytes(size) + " and ends before its zip directory: the download stopped part way.";
    return {};
}

void checkWeightFile(const fs::path &folder, const fs::path &file, std::vector<FolderProblem> &problems,
                     const std::string &whatListsIt)
{
    const std::string name = fs::relative(file, folder).generic_string();
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        problems.push_back({name, "is missing" + whatListsIt + "."});
        return;
    }
    if (isLfsPointer(file)) {
        const std::uint64_t real = lfsPointerSize(file);
        problems.push_back({name, "is a git-lfs pointer, not the weights" +
                                      (real > 0 ? " (the real file has " + gigabytes(real) + ")" : std::string()) + "."});
        return;
    }
    const std::uint64_t size = fs::file_size(file, ec);
    if (ec) {
        problems.push_back({name, "cannot be read: " + ec.message() + "."});
        return;
    }
    const std::string shortfall =
        file.extension() == ".safetensors" ? safetensorsShortfall(file, size) : zipShortfall(file, size);
    if (!shortfall.empty())
        problems.push_back({name, shortfall});
}

// The shards an index names, with how many tensors each holds.
void checkIndex(const fs::path &folder, const fs::path &index, std::vector<FolderProblem> &problems)
{
    const std::string name = index.filename().string();
    if (isLfsPointer(index)) {
        problems.push_back({name, "is a git-lfs pointer, not the index."});
        return;
    }
    Json doc;
    try {
        doc = readJsonFile(index.string());
    } catch (const std::exception &e) {
        problems.push_back({name, "cannot be read (" + std::string(e.what()) + "); it may be an unfinished download."});
        return;
    }
    const Json *map = jsonMember(doc, "weight_map");
    if (!map || !map->is_object()) {
        problems.push_back({name, "has no \"weight_map\"."});
        return;
    }
    std::map<std::string, int> shards;
    for (const auto &[tensor, shard] : map->items())
        if (shard.is_string())
            ++shards[shard.get<std::string>()];
    for (const auto &[shard, tensors] : shards) {
        const fs::path file = folder / shard;
        // Only names inside the folder: readCheckpointFolder refuses the others with its own message.
        if (fs::path(shard).is_absolute() || shard.find("..") != std::string::npos)
            continue;
        checkWeightFile(folder, file, problems,
                        " (" + name + " lists " + std::to_string(tensors) + " tensor" + (tensors == 1 ? "" : "s") +
                            " in it)");
    }
}

bool isUnfinishedDownload(const fs::path &file)
{
    const std::string ext = file.extension().string();
    return ext == ".incomplete" || ext == ".part" || ext == ".partial";
}

} // namespace

ModelFolderReport inspectModelFolder(const std::string &folderName, bool needsTokenizer)
{
    ModelFolderReport report;
    report.folder = folderName;
    const fs::path folder(folderName);
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        report.problems.push_back({".", "is not a folder."});
        return report;
    }
    report.gitClone = fs::exists(folder / ".git", ec);
    report.huggingFaceCache = fs::is_directory(folder / ".cache" / "huggingface", ec) ||
                              fs::is_directory(folder / ".huggingface", ec);

    // Files a downloader writes before it renames them: in the folder, and where huggingface_hub
    // keeps them for a --local-dir download (.cache/huggingface/download, .huggingface/download
    // before version 0.24).
    std::set<std::string> unfinished;
    for (const fs::path &where : {folder, folder / ".cache" / "huggingface" / "download", folder / ".huggingface" / "download"}) {
        if (!fs::is_directory(where, ec))
            continue;
        for (fs::recursive_directory_iterator it(where, fs::directory_options::skip_permission_denied, ec), end;
             it != end && !ec; it.increment(ec)) {
            if (it.depth() > 3) {
                it.disable_recursion_pending();
                continue;
            }
            if (where == folder && it->is_directory(ec) && it->path().filename().string().rfind('.', 0) == 0) {
                it.disable_recursion_pending(); // .git and .cache: looked into on their own
                continue;
            }
            if (it->is_regular_file(ec) && isUnfinishedDownload(it->path()))
                unfinished.insert(fs::relative(it->path(), folder).generic_string());
        }
    }
    for (const std::string &file : unfinished)
        report.problems.push_back({file, "is a file still being downloaded, or whose download broke off."});

    const fs::path config = folder / "config.json";
    if (!fs::exists(config, ec))
        report.problems.push_back({"config.json", "is missing."});
    else if (isLfsPointer(config))
        report.problems.push_back({"config.json", "is a git-lfs pointer, not the configuration."});

    const fs::path tokenizer = folder / "tokenizer.model";
    if (!needsTokenizer)
        ;
    else if (!fs::exists(tokenizer, ec))
        report.problems.push_back({"tokenizer.model", "is missing (the SentencePiece tokenizer)."});
    else if (isLfsPointer(tokenizer))
        report.problems.push_back({"tokenizer.model", "is a git-lfs pointer, not the tokenizer."});

    const fs::path safetensorsIndex = folder / "model.safetensors.index.json";
    const fs::path pytorchIndex = folder / "pytorch_model.bin.index.json";
    if (fs::exists(safetensorsIndex, ec))
        checkIndex(folder, safetensorsIndex, report.problems);
    else if (fs::exists(folder / "model.safetensors", ec))
        checkWeightFile(folder, folder / "model.safetensors", report.problems, "");
    else if (fs::exists(pytorchIndex, ec))
        checkIndex(folder, pytorchIndex, report.problems);
    else if (fs::exists(folder / "pytorch_model.bin", ec))
        checkWeightFile(folder, folder / "pytorch_model.bin", report.problems, "");
    else
        report.problems.push_back({"model.safetensors", "is missing, as are model.safetensors.index.json, "
                                                        "pytorch_model.bin and pytorch_model.bin.index.json: the "
                                                        "folder holds no weights."});
    return report;
}

std::string ModelFolderReport::message() const
{
    if (problems.empty())
        return {};
    std::string text = folder + " is not a complete model folder";
    text += problems.size() == 1 ? ":\n" : " (" + std::to_string(problems.size()) + " problems):\n";
    for (const FolderProblem &p : problems)
        text += "  - " + p.file + " " + p.problem + "\n";
    if (gitClone) {
        text += "It is a git clone: run `git lfs pull` in it to fetch the weights (`git lfs install` first if "
                "git-lfs is new on this machine).";
    } else {
        text += "Run the download again with the same command, e.g. `hf download REPO --local-dir " + folder +
                "` (or `huggingface-cli download` with older huggingface_hub): it skips the finished files and "
                "fetches the rest. With git: `git lfs pull` in the clone.";
    }
    return text;
}

IncompleteModelFolder::IncompleteModelFolder(ModelFolderReport report)
    : FileError(report.folder, report.message().substr(report.folder.size() + 1)), report_(std::move(report))
{
}

void requireCompleteModelFolder(const std::string &folder, bool needsTokenizer)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw FileError(folder, "is not a model folder (there is no such folder).");
    ModelFolderReport report = inspectModelFolder(folder, needsTokenizer);
    if (!report.complete())
        throw IncompleteModelFolder(std::move(report));
}

} // namespace geolens
