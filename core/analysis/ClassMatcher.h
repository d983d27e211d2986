#pragma once

#include <optional>
#include <string>
#include <vector>

namespace geolens {

// Maps a free answer ("Dense residential area.", "airplanes") to one of a list of class names by
// normalised text: case, punctuation, spacing and a plural s do not matter; then containment;
// then the closest spelling within a small edit distance. Nothing when no class is close: the
// caller keeps the answer and flags it.
class ClassMatcher {
public:
    explicit ClassMatcher(std::vector<std::string> classes);

    std::optional<std::size_t> match(const std::string &answer) const;
    const std::vector<std::string> &classes() const { return classes_; }

    // Lower case, letters and digits only, single spaces, no trailing plural s per word.
    static std::string normalise(const std::string &text);

private:
    std::vector<std::string> classes_;
    std::vector<std::string> normalised_;
};

} // namespace geolens
