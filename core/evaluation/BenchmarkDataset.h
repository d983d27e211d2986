#pragma once

#include "geometry/RotatedBox.h"

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace geolens {

// The ground-truth tasks GeoLens evaluates a model on, as the paper's tables 3-7 do.
enum class BenchmarkTask {
    Scene,     // scene classification: OA, AA, per-class accuracy, confusion matrix
    Vqa,       // visual question answering: accuracy per question type
    Referring, // [refer]: boxes around the objects a phrase names
    Grounding, // [grounding]: a description with boxes around what it mentions
    Caption,   // [identify]: a caption of the object in a given box
};

// "scene", "vqa", "referring", "grounding", "caption".
const char *benchmarkTaskName(BenchmarkTask task);
// Throws InvalidArgument naming the known tasks.
BenchmarkTask parseBenchmarkTask(const std::string &name);

// One question with its ground truth.
struct BenchmarkItem {
    std::string id;        // unique within the benchmark
    std::string image;     // path of the image file (images folder joined)
    std::string question;  // what the model is asked, in the benchmark's own wording
    std::string type;      // vqa: the question type; referring/grounding: the item's type
    std::string sizeGroup; // referring/grounding: the objects' size group, when given
    std::string answer;    // scene: the class; vqa: the expected answer
    std::vector<std::string> references;  // caption: the reference captions
    // referring/grounding: each object's four corners in the image's pixels
    std::vector<std::array<Point2, 4>> objects;
    std::vector<std::string> objectIds;   // referring/grounding: the objects the boxes are
};

// A line or record of a benchmark file that could not be used, kept so that the report can say
// how many were left out and why.
struct BenchmarkIssue {
    std::string where;  // "questions.jsonl:12", "Images/forest/x.txt"
    std::string reason; // a short category: "malformed line", "unknown class", ...
    std::string detail; // a sentence for the user
};

// A benchmark as read from disk: the questions with their ground truth, the classes (scene), and
// what was left out.
struct BenchmarkDataset {
    BenchmarkTask task = BenchmarkTask::Scene;
    std::string format;      // "geochat-jsonl", "class-folders", "rsvqa-lr", "rsvqa-hr"
    std::string name;        // a short name for tables: the questions file or images folder
    std::string questionsFile;
    std::string imagesDir;
    std::vector<std::string> classes; // scene: the class names in the prompt's order
    std::vector<BenchmarkItem> items;
    std::vector<BenchmarkIssue> issues;
    std::map<std::string, int> skippedTypes; // vqa: questions of types left out on purpose

    // Issues counted by reason.
    std::map<std::string, int> issueCounts() const;
};

} // namespace geolens
