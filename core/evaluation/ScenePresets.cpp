#include "evaluation/ScenePresets.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>

namespace geolens {

const std::vector<ScenePreset> &scenePresets()
{
    static const std::vector<ScenePreset> presets{
        {"ucm", "UC Merced Land Use (21 classes)",
         {"agricultural", "airplane", "baseball diamond", "beach", "buildings", "chaparral", "dense residential",
          "forest", "freeway", "golf course", "harbor", "intersection", "medium residential", "mobile home park",
          "overpass", "parking lot", "river", "runway", "sparse residential", "storage tanks", "tennis court"}},
        {"aid", "AID (30 classes)",
         {"airport", "bare land", "baseball field", "beach", "bridge", "center", "church", "commercial",
          "dense residential", "desert", "farmland", "forest", "industrial", "meadow", "medium residential",
          "mountain", "park", "parking", "playground", "pond", "port", "railway station", "resort", "river",
          "school", "sparse residential", "square", "stadium", "storage tanks", "viaduct"}},
        {"nwpu", "NWPU-RESISC45 (45 classes)",
         {"airplane", "airport", "baseball diamond", "basketball court", "beach", "bridge", "chaparral", "church",
          "circular farmland", "cloud", "commercial area", "dense residential", "desert", "forest", "freeway",
          "golf course", "ground track field", "harbor", "industrial area", "intersection", "island", "lake",
          "meadow", "medium residential", "mobile home park", "mountain", "overpass", "palace", "parking lot",
          "railway", "railway station", "rectangular farmland", "river", "roundabout", "runway", "sea ice", "ship",
          "snowberg", "sparse residential", "stadium", "storage tank", "tennis court", "terrace",
          "thermal power station", "wetland"}},
    };
    return presets;
}

std::string sceneClassificationPrompt(const std::vector<std::string> &classes)
{
    std::string list;
    for (const std::string &c : classes)
        list += (list.empty() ? "" : ", ") + c;
    return "Classify the image in the following classes: " + list + "\nAnswer in one word or a short phrase.";
}

const ScenePreset &scenePreset(const std::string &key)
{
    for (const ScenePreset &p : scenePresets())
        if (p.key == key)
            return p;
    throw InvalidArgument("Unknown class preset \"" + key + "\"; the presets are ucm, aid and nwpu.");
}

std::vector<double> sceneClassProbabilities(const std::vector<double> &logLikelihoods)
{
    if (logLikelihoods.empty())
        return {};
    const double best = *std::max_element(logLikelihoods.begin(), logLikelihoods.end());
    std::vector<double> p;
    double sum = 0.0;
    for (double ll : logLikelihoods)
        sum += p.emplace_back(std::exp(ll - best));
    for (double &v : p)
        v /= sum;
    return p;
}

} // namespace geolens
