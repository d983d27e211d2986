#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// `aspects FILE|DIR --model DIR --classes|--preset ... [--aspects FILE] --out TARGETS`: the teacher
// pass of multi-aspect distillation.
int runAspects(const std::vector<std::string> &args);
// `train-classifier --targets TARGETS --out RUN [...]`: trains the multi-aspect student.
int runTrainClassifier(const std::vector<std::string> &args);

} // namespace geolens::cli
