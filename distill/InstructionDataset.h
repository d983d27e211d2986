#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace geolens {

// One question and its answer. Same fields as the model's ChatTurn, so the engine converts a
// history without this library depending on the model.
struct InstructionTurn {
    std::string user;
    std::string assistant;
};

// One usable entry of an instruction file: a conversation about one image. Every turn is one
// training sample; the turns before it are that sample's history.
struct InstructionEntry {
    std::size_t index = 0;             // position in the file's top-level list, for messages
    std::string id;                    // the entry's "id" (a number is kept as its text)
    std::string imagePath;             // absolute: the images folder joined with "image"
    std::vector<InstructionTurn> turns; // questions without the <image> marker
};

// One training sample, assembled on request (the dataset stores each conversation once, so a
// long conversation does not hold its history once per turn).
struct InstructionSample {
    std::size_t entryIndex = 0; // InstructionEntry::index
    std::size_t turn = 0;       // which answer of the conversation (0: the first)
    std::string id;
    std::string imagePath;
    std::vector<InstructionTurn> history; // the exchanges before this one, oldest first
    std::string question;
    std::string answer;
};

// Why an entry was left out. Broken entries are common in large scraped instruction sets, so
// they are counted and reported rather than stopping a run.
enum class InstructionSkipReason {
    BadEntry,        // not an object, or a field missing or of the wrong type, or an unknown speaker
    NoImage,         // no "image" field, or an empty one: every GeoChat sample is about an image
    MissingImage,    // the image file does not exist
    UnreadableImage, // the image exists but is empty or the image checker refused it
    NoAssistantTurn, // no question in it has an answer
    TurnOrder,       // speakers do not alternate human, gpt, human, gpt, ...
};
constexpr std::size_t InstructionSkipReasonCount = 6;

// "bad entry", "no image", ... for reports.
const char *describe(InstructionSkipReason reason);

struct InstructionSkipExample {
    std::size_t entryIndex = 0;
    std::string id; // empty when the entry has none or is not an object
    InstructionSkipReason reason = InstructionSkipReason::BadEntry;
    std::string detail; // what exactly was wrong, as a sentence fragment
};

struct InstructionLoadReport {
    std::string path;
    std::size_t totalEntries = 0;
    std::size_t usedEntries = 0;
    std::size_t samples = 0;
    // Questions at the end of a conversation that have no answer; the entry is used without them.
    std::size_t unansweredQuestions = 0;
    std::array<std::size_t, InstructionSkipReasonCount> skipped{};
    std::vector<InstructionSkipExample> examples; // the first few skipped entries, in file order

    std::size_t skippedCount(InstructionSkipReason reason) const;
    std::size_t skippedTotal() const;
    // A few lines for a log or a dialog: the counts, then the examples.
    std::string summary() const;
};

// The most pixels an image checker lets an image declare: a header may claim 100000 x 100000
// pixels in a few bytes, and decoding it would exhaust memory.
constexpr std::uint64_t MaxImagePixels = std::uint64_t(1) << 28;
// Why an image of width x height pixels (as its header declares) is refused, or empty.
std::string imageSizeProblem(std::uint64_t width, std::uint64_t height);

struct InstructionLoadOptions {
    // Returns an empty string when the image at this absolute path can be decoded, otherwise the
    // reason. Called only for files that exist, once per distinct path. When not set, a file is
    // accepted when it is not empty: decoding 300k images before a run starts costs minutes.
    std::function<std::string(const std::string &path)> imageChecker;
    std::size_t maxExamples = 5;
};

struct InstructionSplit;

// GeoChat/LLaVA instruction data: a JSON list of
//   {"id": ..., "image": "relative/path.jpg",
//    "conversations": [{"from": "human", "value": "<image>\n..."}, {"from": "gpt", "value": "..."}]}
//
// Turn order: conversations must alternate human, gpt, human, gpt, ... A gpt turn first, two
// human or two gpt turns in a row leave the whole entry out (TurnOrder): the history of every
// later sample would attribute words to the wrong speaker. A trailing human turn without an
// answer is dropped and the rest of the entry used (counted as unansweredQuestions).
//
// "id" may be a string or a number and may be missing (it only labels messages). "image" is
// relative to the images folder (an absolute path is kept as it is).
//
// The <image> marker is removed from every question, with the newline that separates it from the
// words; the engine puts it back in the first turn, where the template wants it.
//
// The top-level list is split into its items and each item parsed on its own, so the memory a
// load needs is the data it keeps plus one entry, not a document tree of the whole file.
class InstructionDataset {
public:
    InstructionDataset() = default;

    // Throws FileError naming the file when it cannot be read, is not valid JSON (with the line
    // and column) or its top level is not a list, and naming the folder when imagesDir is not one.
    static InstructionDataset load(const std::string &jsonPath, const std::string &imagesDir,
                                   const InstructionLoadOptions &options = {});

    const InstructionLoadReport &report() const { return report_; }
    const std::vector<InstructionEntry> &entries() const { return entries_; }
    std::size_t entryCount() const { return entries_.size(); }
    std::size_t sampleCount() const { return sampleStart_.empty() ? 0 : sampleStart_.back(); }
    bool empty() const { return entries_.empty(); }

    // Sample i of sampleCount(), in file order, each entry's turns in conversation order. Throws
    // InvalidArgument when i is out of range.
    InstructionSample sample(std::size_t i) const;
    // The first sample of entries()[entry]; its samples are the next entries()[entry].turns.size().
    std::size_t firstSampleOf(std::size_t entry) const;

    // Holds out round(fraction * entryCount()) entries (at least one when fraction > 0), the first
    // ones of seededPermutation(entryCount(), seed), so a seed names the same split everywhere.
    // Whole entries go to one side, so no conversation is half in
    // training and half in validation. Both parts keep the dataset's report (it describes the file
    // they came from) and their entries in file order. Throws InvalidArgument when fraction is
    // outside [0, 0.5] or no training entry would remain.
    static InstructionSplit splitByFraction(InstructionDataset dataset, double fraction, std::uint64_t seed);

    // Training on one file and validating on another. Throws InvalidArgument when either holds
    // no usable entry, with the reasons its entries were left out.
    static InstructionSplit withValidationSet(InstructionDataset training, InstructionDataset validation);

    // What a run does: the validation file when validationPath is not empty (fraction and seed
    // are then unused), otherwise a split of the training file.
    static InstructionSplit loadForTraining(const std::string &dataPath, const std::string &imagesDir,
                                            const std::string &validationPath, double validationFraction,
                                            std::uint64_t seed, const InstructionLoadOptions &options = {});

private:
    InstructionDataset(std::vector<InstructionEntry> entries, InstructionLoadReport report);
    void indexSamples();

    std::vector<InstructionEntry> entries_;
    std::vector<std::size_t> sampleStart_; // entries_.size() + 1 prefix sums of the turn counts
    InstructionLoadReport report_;
};

// The training and validation sets of a run.
struct InstructionSplit {
    InstructionDataset training;
    InstructionDataset validation; // empty when the fraction is 0
};

} // namespace geolens
