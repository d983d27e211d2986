#pragma once

#include "common/JsonIo.h"

#include <string>
#include <vector>

namespace geolens {

// One yes/no question the teacher answers about every tile; its key names the column it becomes
// (in the targets table, the classifier's outputs and the map's attributes).
struct AspectQuestion {
    std::string key;      // water, buildings, ...: letters, digits and underscores
    std::string question; // "Is there any water in the image?"
};

// The aspects a remote-sensing scene is described by when the user gives none: land cover,
// built structures, objects and setting, each a question GeoChat answers with yes or no.
const std::vector<AspectQuestion> &defaultAspects();

// An aspect file: one question a line, optionally "key: question"; blank lines and lines starting
// with # are skipped. A question without a key gets one made of its words. Throws FileError naming
// the file and the line for a file without questions, a bad key, a repeated key or a line that
// is not a question.
std::vector<AspectQuestion> readAspectFile(const std::string &path);
// The same from text (the GUI's editor); source names it in messages.
std::vector<AspectQuestion> parseAspectText(const std::string &text, const std::string &source);
// The file's form of aspects, which parseAspectText reads back unchanged.
std::string aspectText(const std::vector<AspectQuestion> &aspects);

// The aspects as the targets' and the classifier's JSON files hold them: [{"key", "question"}].
// aspectsFromJson throws nlohmann's exception for anything else, which the readers name the file for.
Json aspectsToJson(const std::vector<AspectQuestion> &aspects);
std::vector<AspectQuestion> aspectsFromJson(const Json &json);

// The question as the teacher is asked it: GeoChat's short-answer instruction after it, so that
// the first token of the answer is yes or no.
std::string aspectPrompt(const AspectQuestion &aspect);

} // namespace geolens
