#include "distill/InstructionDataset.h"

#include "common/Error.h"
#include "common/JsonIo.h"
#include "common/MappedFile.h"
#include "distill/SeededPermutation.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace geolens {

namespace fs = std::filesystem;

namespace {

constexpr const char *ImageMarker = "<image>";

struct Rejection {
    InstructionSkipReason reason;
    std::string detail;
};

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isSpace(char c)
{
    return isJsonSpace(c) || c == '\f' || c == '\v';
}

void trim(std::string &text)
{
    std::size_t end = text.size();
    while (end > 0 && isSpace(text[end - 1]))
        --end;
    std::size_t begin = 0;
    while (begin < end && isSpace(text[begin]))
        ++begin;
    text.erase(end);
    text.erase(0, begin);
}

// "<image>\nWhat is ..." and "What is ...\n<image>" both become "What is ...".
void removeImageMarker(std::string &text)
{
    const std::size_t markerLength = std::char_traits<char>::length(ImageMarker);
    bool found = false;
    std::size_t pos;
    while ((pos = text.find(ImageMarker)) != std::string::npos) {
        found = true;
        std::size_t begin = pos;
        std::size_t end = pos + markerLength;
        if (end < text.size() && text[end] == '\n')
            ++end;
        else if (begin > 0 && text[begin - 1] == '\n')
            --begin;
        text.erase(begin, end - begin);
    }
    // Spaces that separated the marker from the words would otherwise double the template's.
    if (found)
        trim(text);
}

std::string inQuotes(const std::string &text)
{
    return "\"" + text + "\"";
}

std::string idOf(const Json &item)
{
    const Json *id = jsonMember(item, "id");
    if (!id)
        return {};
    if (id->is_string())
        return id->get<std::string>();
    if (id->is_number())
        return id->dump();
    return {};
}

// Reads everything but the image check. Fills entry on success.
std::optional<Rejection> readEntry(const Json &item, InstructionEntry &entry, bool &unanswered)
{
    using R = InstructionSkipReason;
    if (!item.is_object())
        return Rejection{R::BadEntry, std::string("the entry is ") + jsonTypeName(item) + ", not an object"};

    if (const Json *id = jsonMember(item, "id")) {
        if (!id->is_string() && !id->is_number())
            return Rejection{R::BadEntry, std::string("\"id\" is ") + jsonTypeName(*id) + ", expected a string or a number"};
        entry.id = idOf(item);
    }

    const Json *image = jsonMember(item, "image");
    if (!image || image->is_null())
        return Rejection{R::NoImage, "the entry has no \"image\" field"};
    if (!image->is_string())
        return Rejection{R::BadEntry, std::string("\"image\" is ") + jsonTypeName(*image) + ", expected a string"};
    if (image->get_ref<const std::string &>().empty())
        return Rejection{R::NoImage, "the \"image\" field is empty"};

    const Json *conversations = jsonMember(item, "conversations");
    if (!conversations)
        return Rejection{R::BadEntry, "the entry has no \"conversations\" field"};
    if (!conversations->is_array())
        return Rejection{R::BadEntry, std::string("\"conversations\" is ") + jsonTypeName(*conversations) + ", expected a list"};
    const Json &turns = *conversations;
    if (turns.empty())
        return Rejection{R::BadEntry, "\"conversations\" is empty"};

    // Shapes first, so that a malformed turn is reported as such rather than as a turn-order
    // problem it may have caused.
    std::vector<bool> fromHuman(turns.size());
    for (std::size_t i = 0; i < turns.size(); ++i) {
        const std::string where = "turn " + std::to_string(i + 1);
        const Json &turn = turns[i];
        if (!turn.is_object())
            return Rejection{R::BadEntry, where + " is " + jsonTypeName(turn) + ", not an object"};
        const Json *from = jsonMember(turn, "from");
        if (!from)
            return Rejection{R::BadEntry, where + " has no \"from\" field"};
        if (!from->is_string())
            return Rejection{R::BadEntry, where + ": \"from\" is " + jsonTypeName(*from) + ", expected a string"};
        const Json *value = jsonMember(turn, "value");
        if (!value)
            return Rejection{R::BadEntry, where + " has no \"value\" field"};
        if (!value->is_string())
            return Rejection{R::BadEntry, where + ": \"value\" is " + jsonTypeName(*value) + ", expected a string"};
        const std::string &speaker = from->get_ref<const std::string &>();
        if (speaker != "human" && speaker != "gpt")
            return Rejection{R::BadEntry, where + ": unknown speaker " + inQuotes(speaker) + " (expected \"human\" or \"gpt\")"};
        fromHuman[i] = speaker == "human";
    }

    for (std::size_t i = 0; i < turns.size(); ++i) {
        const bool expectHuman = i % 2 == 0;
        if (fromHuman[i] == expectHuman)
            continue;
        if (i == 0)
            return Rejection{R::TurnOrder, "the conversation starts with an answer (\"gpt\") before any question"};
        return Rejection{R::TurnOrder, "turns " + std::to_string(i) + " and " + std::to_string(i + 1) + " are both from "
                                           + inQuotes(fromHuman[i] ? "human" : "gpt")};
    }

    const std::size_t answered = turns.size() / 2;
    if (answered == 0)
        return Rejection{R::NoAssistantTurn, "the question has no answer"};
    unanswered = turns.size() % 2 == 1;

    entry.turns.resize(answered);
    for (std::size_t k = 0; k < answered; ++k) {
        InstructionTurn &turn = entry.turns[k];
        turn.user = turns[2 * k].at("value").get<std::string>();
        removeImageMarker(turn.user);
        turn.assistant = turns[2 * k + 1].at("value").get<std::string>();
    }
    return std::nullopt;
}

// Existence and readability of each distinct image, asked once: GeoChat's data asks several
// entries about the same image.
class ImageChecks {
public:
    ImageChecks(fs::path root, const InstructionLoadOptions &options) : root_(std::move(root)), options_(options) {}

    std::string absolutePath(const std::string &relative) const
    {
        return (root_ / fs::path(relative)).lexically_normal().string();
    }

    const std::optional<Rejection> &check(const std::string &path)
    {
        auto found = cache_.find(path);
        if (found != cache_.end())
            return found->second;
        return cache_.emplace(path, examine(path)).first->second;
    }

private:
    std::optional<Rejection> examine(const std::string &path) const
    {
        using R = InstructionSkipReason;
        std::error_code error;
        const fs::path file = fs::path(path);
        const fs::file_status status = fs::status(file, error);
        if (!fs::exists(status))
            return Rejection{R::MissingImage, "the image " + path + " does not exist"};
        if (fs::is_directory(status))
            return Rejection{R::UnreadableImage, "the image " + path + " is a folder"};
        if (options_.imageChecker) {
            std::string reason = options_.imageChecker(path);
            if (!reason.empty())
                return Rejection{R::UnreadableImage, "the image " + path + " cannot be read: " + reason};
            return std::nullopt;
        }
        const auto size = fs::file_size(file, error);
        if (error)
            return Rejection{R::UnreadableImage, "the image " + path + " cannot be read: " + error.message()};
        if (size == 0)
            return Rejection{R::UnreadableImage, "the image " + path + " is empty"};
        return std::nullopt;
    }

    fs::path root_;
    const InstructionLoadOptions &options_;
    std::unordered_map<std::string, std::optional<Rejection>> cache_;
};

// The parser names the line and column of the first problem; used when the quick item-by-item
// reading below finds the file malformed.
[[noreturn]] void throwParseError(const std::string &path, const char *data, std::size_t size)
{
    try {
        const Json whole = parseJson(std::string_view(data, size));
        throw FileError(path, std::string("expected a list of conversations at the top level, found ")
                                  + jsonTypeName(whole) + ".");
    } catch (const JsonError &e) {
        throw FileError(path, "invalid JSON at line " + std::to_string(e.line()) + ", column "
                                  + std::to_string(e.column()) + ": " + e.problem());
    }
}

// Calls visit(item, index) for each item of the top-level JSON list, parsing one item at a time.
// Each item is delimited by a scan that only tracks strings and bracket depth and is then
// parsed strictly; anything malformed falls back to a parse of the whole text for the message.
template <typename Visit>
void forEachListItem(const std::string &path, const char *data, std::size_t size, Visit &&visit)
{
    const char *const begin = data;
    const char *const end = data + size;
    const char *p = begin;
    if (size >= 3 && static_cast<unsigned char>(p[0]) == 0xEF && static_cast<unsigned char>(p[1]) == 0xBB
        && static_cast<unsigned char>(p[2]) == 0xBF)
        p += 3;
    auto skipSpace = [&] {
        while (p != end && isJsonSpace(*p))
            ++p;
    };
    skipSpace();
    if (p == end)
        throw FileError(path, "the file is empty; expected a JSON list of conversations.");
    if (*p != '[')
        throwParseError(path, begin, size);
    ++p;
    skipSpace();
    std::size_t index = 0;
    if (p != end && *p == ']') {
        ++p;
    } else {
        for (;;) {
            const char *itemBegin = p;
            int depth = 0;
            bool inString = false;
            for (; p != end; ++p) {
                const char c = *p;
                if (inString) {
                    if (c == '\\') {
                        if (++p == end)
                            break;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '[' || c == '{') {
                    ++depth;
                } else if (c == ']' || c == '}') {
                    if (depth == 0)
                        break;
                    --depth;
                } else if (c == ',' && depth == 0) {
                    break;
                }
            }
            if (p == end)
                throwParseError(path, begin, size);
            Json item;
            try {
                item = parseJson(std::string_view(itemBegin, static_cast<std::size_t>(p - itemBegin)));
            } catch (const JsonError &) {
                throwParseError(path, begin, size);
            }
            visit(item, index++);
            if (*p == ']') {
                ++p;
                break;
            }
            ++p; // the comma
            skipSpace();
        }
    }
    skipSpace();
    if (p != end)
        throwParseError(path, begin, size);
}

InvalidArgument noUsableEntries(const InstructionLoadReport &report)
{
    return InvalidArgument("The instruction data in " + report.path + " has no usable entry.\n" + report.summary());
}

} // namespace

std::string imageSizeProblem(std::uint64_t width, std::uint64_t height)
{
    if (width == 0 || height == 0)
        return "its header declares no pixels";
    if (width * height > MaxImagePixels)
        return "its header declares " + std::to_string(width) + " x " + std::to_string(height) +
               " pixels, more than the " + std::to_string(MaxImagePixels / 1000000) + " million GeoLens reads";
    return {};
}

const char *describe(InstructionSkipReason reason)
{
    switch (reason) {
    case InstructionSkipReason::BadEntry: return "bad entry";
    case InstructionSkipReason::NoImage: return "no image";
    case InstructionSkipReason::MissingImage: return "missing image";
    case InstructionSkipReason::UnreadableImage: return "unreadable image";
    case InstructionSkipReason::NoAssistantTurn: return "no answer";
    case InstructionSkipReason::TurnOrder: return "turn order";
    }
    return "unknown";
}

std::size_t InstructionLoadReport::skippedCount(InstructionSkipReason reason) const
{
    return skipped[static_cast<std::size_t>(reason)];
}

std::size_t InstructionLoadReport::skippedTotal() const
{
    std::size_t total = 0;
    for (std::size_t count : skipped)
        total += count;
    return total;
}

std::string InstructionLoadReport::summary() const
{
    std::ostringstream out;
    out << path << ": " << totalEntries << " entries, " << usedEntries << " used, " << samples << " samples";
    if (const std::size_t total = skippedTotal()) {
        out << "; " << total << " skipped (";
        bool first = true;
        for (std::size_t r = 0; r < InstructionSkipReasonCount; ++r) {
            if (!skipped[r])
                continue;
            out << (first ? "" : ", ") << skipped[r] << " " << describe(static_cast<InstructionSkipReason>(r));
            first = false;
        }
        out << ")";
    }
    if (unansweredQuestions)
        out << "; " << unansweredQuestions << " unanswered last questions dropped";
    out << ".";
    for (const InstructionSkipExample &example : examples) {
        out << "\n  entry " << example.entryIndex;
        if (!example.id.empty())
            out << " (id " << inQuotes(example.id) << ")";
        out << ": " << describe(example.reason) << ": " << example.detail << ".";
    }
    return out.str();
}

InstructionDataset::InstructionDataset(std::vector<InstructionEntry> entries, InstructionLoadReport report)
    : entries_(std::move(entries)), report_(std::move(report))
{
    indexSamples();
}

void InstructionDataset::indexSamples()
{
    sampleStart_.assign(1, 0);
    sampleStart_.reserve(entries_.size() + 1);
    for (const InstructionEntry &entry : entries_)
        sampleStart_.push_back(sampleStart_.back() + entry.turns.size());
}

InstructionDataset InstructionDataset::load(const std::string &jsonPath, const std::string &imagesDir,
                                            const InstructionLoadOptions &options)
{
    std::error_code error;
    if (imagesDir.empty())
        throw InvalidArgument("No images folder was given for the instruction data in " + jsonPath + ".");
    const fs::path root = fs::absolute(fs::path(imagesDir), error);
    if (error || !fs::exists(root, error))
        throw FileError(imagesDir, "the images folder does not exist.");
    if (!fs::is_directory(root, error))
        throw FileError(imagesDir, "is not a folder; expected the folder the images of the instruction data are in.");

    const auto file = MappedFile::open(jsonPath);
    InstructionLoadReport report;
    report.path = jsonPath;
    std::vector<InstructionEntry> entries;
    ImageChecks images(root, options);

    auto skip = [&](std::size_t index, const Json &item, Rejection rejection) {
        ++report.skipped[static_cast<std::size_t>(rejection.reason)];
        if (report.examples.size() < options.maxExamples)
            report.examples.push_back({index, idOf(item), rejection.reason, std::move(rejection.detail)});
    };

    forEachListItem(jsonPath, reinterpret_cast<const char *>(file->data()), file->size(),
                    [&](const Json &item, std::size_t index) {
                        ++report.totalEntries;
                        InstructionEntry entry;
                        entry.index = index;
                        bool unanswered = false;
                        if (auto rejection = readEntry(item, entry, unanswered)) {
                            skip(index, item, std::move(*rejection));
                            return;
                        }
                        entry.imagePath = images.absolutePath(item.at("image").get<std::string>());
                        if (const auto &rejection = images.check(entry.imagePath)) {
                            skip(index, item, *rejection);
                            return;
                        }
                        report.unansweredQuestions += unanswered ? 1 : 0;
                        report.samples += entry.turns.size();
                        ++report.usedEntries;
                        entries.push_back(std::move(entry));
                    });
    return InstructionDataset(std::move(entries), std::move(report));
}

std::size_t InstructionDataset::firstSampleOf(std::size_t entry) const
{
    if (entry >= entries_.size())
        throw InvalidArgument("Entry " + std::to_string(entry) + " is out of range: the dataset has "
                              + std::to_string(entries_.size()) + " entries.");
    return sampleStart_[entry];
}

InstructionSample InstructionDataset::sample(std::size_t i) const
{
    if (i >= sampleCount())
        throw InvalidArgument("Sample " + std::to_string(i) + " is out of range: the dataset has "
                              + std::to_string(sampleCount()) + " samples.");
    // The last start not after i is the entry's.
    const auto after = std::upper_bound(sampleStart_.begin(), sampleStart_.end(), i);
    const std::size_t e = static_cast<std::size_t>(after - sampleStart_.begin()) - 1;
    const InstructionEntry &entry = entries_[e];
    const std::size_t turn = i - sampleStart_[e];

    InstructionSample sample;
    sample.entryIndex = entry.index;
    sample.turn = turn;
    sample.id = entry.id;
    sample.imagePath = entry.imagePath;
    sample.history.assign(entry.turns.begin(), entry.turns.begin() + static_cast<std::ptrdiff_t>(turn));
    sample.question = entry.turns[turn].user;
    sample.answer = entry.turns[turn].assistant;
    return sample;
}

InstructionSplit InstructionDataset::splitByFraction(InstructionDataset dataset, double fraction, std::uint64_t seed)
{
    if (!(fraction >= 0.0 && fraction <= 0.5))
        throw InvalidArgument("The validation fraction must be between 0 and 0.5; " + std::to_string(fraction)
                              + " was given.");
    const std::size_t n = dataset.entries_.size();
    if (n == 0)
        throw noUsableEntries(dataset.report_);
    std::size_t held = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
    if (fraction > 0.0 && held == 0)
        held = 1; // a validation loss from no entry would silently disable checkpoint selection
    if (held >= n)
        throw InvalidArgument("Holding out a validation fraction of " + std::to_string(fraction) + " from "
                              + std::to_string(n) + " usable entr" + (n == 1 ? "y" : "ies") + " in "
                              + dataset.report_.path
                              + " leaves nothing to train on. Lower the fraction or give a separate validation file.");

    const std::vector<std::size_t> order = seededPermutation(n, seed);
    std::vector<bool> validation(n, false);
    for (std::size_t i = 0; i < held; ++i)
        validation[order[i]] = true;

    std::vector<InstructionEntry> trainingEntries, validationEntries;
    trainingEntries.reserve(n - held);
    validationEntries.reserve(held);
    for (std::size_t i = 0; i < n; ++i)
        (validation[i] ? validationEntries : trainingEntries).push_back(std::move(dataset.entries_[i]));
    InstructionSplit split;
    split.training = InstructionDataset(std::move(trainingEntries), dataset.report_);
    split.validation = InstructionDataset(std::move(validationEntries), std::move(dataset.report_));
    return split;
}

InstructionSplit InstructionDataset::withValidationSet(InstructionDataset training, InstructionDataset validation)
{
    if (training.empty())
        throw noUsableEntries(training.report_);
    if (validation.empty())
        throw noUsableEntries(validation.report_);
    return InstructionSplit{std::move(training), std::move(validation)};
}

InstructionSplit InstructionDataset::loadForTraining(const std::string &dataPath, const std::string &imagesDir,
                                                     const std::string &validationPath, double validationFraction,
                                                     std::uint64_t seed, const InstructionLoadOptions &options)
{
    InstructionDataset training = load(dataPath, imagesDir, options);
    if (validationPath.empty())
        return splitByFraction(std::move(training), validationFraction, seed);
    return withValidationSet(std::move(training), load(validationPath, imagesDir, options));
}

} // namespace geolens
