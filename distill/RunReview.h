#pragma once

#include <string>
#include <vector>

namespace geolens {

struct DistillConfig;

// What a run configuration looks like before it is launched: the run.json text it will be saved
// as, and every problem that stops the run, one sentence each.
struct RunReview {
    std::string json;                  // DistillConfig::save's text, without the final newline
    std::vector<std::string> problems; // DistillConfig::validate()'s, empty when the run can start

    bool canLaunch() const { return problems.empty(); }

    static RunReview of(const DistillConfig &config);
};

} // namespace geolens
