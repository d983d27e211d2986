#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace geolens {

enum class CorpusFormat {
    Auto,      // JsonLines for a name ending in ".jsonl", PlainText otherwise
    PlainText, // documents separated by blank lines
    JsonLines, // one JSON object per line with a "text" string, and optionally an "image"
};

// One document of the corpus: a text, or an image with its text. The paper's D_PT holds both; an
// image-text pair is learnt in the instruction format, the text as the answer to prompt about
// the image.
struct CorpusDocument {
    std::string text;
    std::string image;  // the image file (resolved against the corpus' folder); empty for a text
    std::string prompt; // the instruction of a pair; empty: DefaultPairPrompt

    bool operator==(const CorpusDocument &o) const
    {
        return text == o.text && image == o.image && prompt == o.prompt;
    }
};

// GeoChat's instruction for a detailed description, without a task token.
inline constexpr const char *DefaultPairPrompt = "Describe the image in detail.";

struct CorpusBadLine {
    std::size_t line = 0; // 1-based
    std::string problem;
};

struct PretrainCorpusReport {
    std::string path;
    CorpusFormat format = CorpusFormat::PlainText; // the format read (never Auto)
    std::size_t documents = 0;
    std::size_t imagePairs = 0;     // documents with an image
    std::size_t emptyDocuments = 0; // dropped: nothing but white space (JSON lines only)
    std::size_t badLines = 0;       // JSON lines that are not an object with a "text" string, or
                                    // whose "image" or "prompt" is not a string or names no file
    std::vector<CorpusBadLine> examples; // the first few bad lines

    std::string summary() const;
};

// The plain-text corpus of the pretraining term L_PT, which keeps the student a language model
// while it learns the teacher's answers.
//
// Plain text: a document is a run of lines up to a line that is empty or only white space; the
// lines are joined with "\n" (a "\r" before a line break is removed). JSON lines: blank lines are
// ignored; a line that is not valid JSON, not an object, or has no "text" string is skipped and
// counted, never fatal; a "text" of only white space is dropped as an empty document. Texts are
// kept as written, surrounding white space included. A line with an "image" (a path, relative to
// the corpus file's folder) is an image-text pair, with an optional "prompt"; an image that does
// not exist makes the line bad.
class PretrainCorpus {
public:
    PretrainCorpus() = default;

    // Throws FileError naming the file when it cannot be read or yields no document at all (the
    // message then says why: the counts and the first bad lines).
    static PretrainCorpus load(const std::string &path, CorpusFormat format = CorpusFormat::Auto,
                               std::size_t maxExamples = 5);

    const std::vector<CorpusDocument> &documents() const { return documents_; }
    // Moves the documents out, for a caller that keeps them for the whole run.
    std::vector<CorpusDocument> takeDocuments() { return std::move(documents_); }
    const PretrainCorpusReport &report() const { return report_; }

private:
    std::vector<CorpusDocument> documents_;
    PretrainCorpusReport report_;
};

} // namespace geolens
