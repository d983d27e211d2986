#pragma once

#include <string>
#include <vector>

namespace geolens {

// The class lists of the scene classification benchmarks GeoChat is evaluated on, written as an
// analyst reads them (the datasets' folder names, with spaces).
struct ScenePreset {
    std::string key;  // ucm, aid, nwpu
    std::string name; // UC Merced Land Use, ...
    std::vector<std::string> classes;
};

const std::vector<ScenePreset> &scenePresets();

// GeoChat's scene classification prompt listing these classes.
std::string sceneClassificationPrompt(const std::vector<std::string> &classes);
// The classes' probabilities from their log-likelihoods as whole answers (GeoChatModel::scoreAnswers):
// a softmax over the classes.
std::vector<double> sceneClassProbabilities(const std::vector<double> &logLikelihoods);
// Throws InvalidArgument naming the known keys for an unknown one.
const ScenePreset &scenePreset(const std::string &key);

} // namespace geolens
