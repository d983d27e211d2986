#pragma once

#include "common/Error.h"

#include <string>
#include <vector>

namespace geolens {

// One thing a model folder lacks: the file (relative to the folder) and what is wrong with it.
struct FolderProblem {
    std::string file;
    std::string problem;
};

// What a model folder lacks before its weights can be read, as a download still running or broken
// off leaves it: shards the index names that are missing, a shard shorter than its tensors need,
// Hugging Face's .incomplete files and .part files, git-lfs pointer files in place of the weights,
// a missing config.json or tokenizer.model. Only file sizes and headers are read, never weights.
struct ModelFolderReport {
    std::string folder;
    std::vector<FolderProblem> problems;
    bool gitClone = false;         // the folder is a git clone (git-lfs)
    bool huggingFaceCache = false; // Hugging Face's download tool has been at work in it

    bool complete() const { return problems.empty(); }
    // One message for a user: every problem, then how to finish the download.
    std::string message() const;
};

// needsTokenizer: false for a folder that only lends its weights (a CLIP vision tower).
ModelFolderReport inspectModelFolder(const std::string &folder, bool needsTokenizer = true);

// A model folder that is not complete: what() is ModelFolderReport::message().
class IncompleteModelFolder : public FileError {
public:
    explicit IncompleteModelFolder(ModelFolderReport report);
    const ModelFolderReport &report() const { return report_; }

private:
    ModelFolderReport report_;
};

// Throws IncompleteModelFolder when inspectModelFolder finds anything.
void requireCompleteModelFolder(const std::string &folder, bool needsTokenizer = true);

} // namespace geolens
