#pragma once

#include "common/JsonIo.h"

#include <cstdio>
#include <string>
#include <vector>

namespace geolens {

// One model's answer to one benchmark question, as predictions-<model>.jsonl keeps it.
struct PredictionRecord {
    std::string id;
    std::string answer;
    // "answered", or why there is no answer: "missing image", "unreadable image".
    std::string status = "answered";
    std::string detail;        // the error for the user when not answered
    double seconds = 0.0;      // this question's share of its batch, image reading included
    double modelSeconds = 0.0; // its share of the model's own time
    long long promptTokens = 0;     // image tokens included
    long long generatedTokens = 0;
    double flops = 0.0;        // what the model spent on the answer (FlopCount.h); 0 when unknown
    int imageWidth = 0;        // the image as read, for placing grid boxes in its pixels
    int imageHeight = 0;

    bool answered() const { return status == "answered"; }
    Json toJson() const;
    // Throws JsonError for a record without an id.
    static PredictionRecord fromJson(const Json &j);
};

// predictions-<model>.jsonl: one line per question, written as answers come and flushed to disk
// with each batch, so a crash or Ctrl+C loses at most the batch in flight and --resume goes on
// from the last complete line.
class PredictionLog {
public:
    // Opens path for appending; a last line cut short by a crash is cut off first. Throws
    // FileError naming the file.
    explicit PredictionLog(const std::string &path);
    ~PredictionLog();
    PredictionLog(const PredictionLog &) = delete;
    PredictionLog &operator=(const PredictionLog &) = delete;

    // Writes the records, one line each, and flushes them to disk. Throws FileError (disk full).
    void append(const std::vector<PredictionRecord> &records);

    // The complete records of a log (none when it does not exist). Lines that are not a record (a
    // torn last line, hand edits) are skipped and counted in badLines. A question answered twice
    // keeps its last record.
    static std::vector<PredictionRecord> read(const std::string &path, int *badLines = nullptr);

private:
    std::string path_;
    std::FILE *file_ = nullptr;
};

} // namespace geolens
