#pragma once

#include "evaluation/BenchmarkDataset.h"

#include <string>
#include <vector>

namespace geolens {

struct BenchmarkReadOptions {
    // scene: keep only these classes (others are reported as "unknown class"); empty: every class.
    std::vector<std::string> classes;
    // vqa: keep only these question types (RSVQA's "comp" is read as "comparison"); empty: all.
    std::vector<std::string> vqaTypes;
};

// Reads a benchmark in the formats people have on disk; see docs/evaluation.md for each:
// - scene: GeoChat's scene JSONL (questionsFile), or, with no questionsFile, a folder of class
//   folders (UCMerced_LandUse/Images, AID, NWPU-RESISC45);
// - vqa: RSVQA's *_questions.json (with its *_answers.json beside it) or a GeoChat VQA JSONL
//   whose lines carry "ground_truth";
// - referring, grounding: GeoChat's referring.jsonl (type "ref" is referring, the others are
//   grounding);
// - caption: GeoChat's region_captioning.jsonl.
// Lines and records that cannot be used, and images that are missing, are kept as issues with
// their reason. Throws FileError naming the file when it cannot be read at all, is not in the
// format, or holds no usable question.
// Whether a file's name says it is an image of a benchmark (TIFF, JPEG, PNG, BMP, PPM/PGM), by
// its extension in any case.
bool isImageFileName(const std::string &path);

BenchmarkDataset readBenchmark(BenchmarkTask task, const std::string &questionsFile, const std::string &imagesDir,
                               const BenchmarkReadOptions &options = {});

} // namespace geolens
