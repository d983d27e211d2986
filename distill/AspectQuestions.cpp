#include "distill/AspectQuestions.h"

#include "common/Error.h"
#include "common/TrimmedText.h"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace geolens {

namespace {

bool validKey(const std::string &key)
{
    if (key.empty() || key.size() > 40 || std::isdigit(static_cast<unsigned char>(key.front())))
        return false;
    for (char c : key)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

// "Is there any bare soil?" -> "bare_soil": the question's words without the usual opening and
// filler, lower case, joined by underscores, at most four words.
std::string keyFromQuestion(const std::string &question)
{
    static const std::set<std::string> filler{"is", "are", "there", "any", "a", "an", "the", "in", "this", "image",
                                              "picture", "scene", "of", "does", "do", "it", "show", "visible", "contain",
                                              "contains", "present", "some", "or"};
    std::vector<std::string> words;
    std::string word;
    const auto flush = [&] {
        if (!word.empty() && !filler.count(word))
            words.push_back(word);
        word.clear();
    };
    for (char c : question) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else
            flush();
    }
    flush();
    std::string key;
    for (std::size_t i = 0; i < words.size() && i < 4; ++i)
        key += (key.empty() ? "" : "_") + words[i];
    if (!key.empty() && std::isdigit(static_cast<unsigned char>(key.front())))
        key = "a_" + key;
    return key;
}

} // namespace

const std::vector<AspectQuestion> &defaultAspects()
{
    static const std::vector<AspectQuestion> aspects{
        {"water", "Is there any water, such as a river, lake or sea, in the image?"},
        {"vegetation", "Is most of the image covered by vegetation?"},
        {"trees", "Are there trees in the image?"},
        {"farmland", "Is there farmland in the image?"},
        {"bare_soil", "Is there bare soil or sand in the image?"},
        {"buildings", "Are there buildings in the image?"},
        {"dense_buildings", "Are the buildings densely packed?"},
        {"roads", "Are there roads in the image?"},
        {"vehicles", "Are there vehicles in the image?"},
        {"ships", "Are there ships or boats in the image?"},
        {"aircraft", "Are there airplanes in the image?"},
        {"sports_field", "Is there a sports field or court in the image?"},
        {"industrial", "Does the image show an industrial area?"},
        {"urban", "Is this an urban area?"},
        {"rural", "Is this a rural area?"},
    };
    return aspects;
}

std::vector<AspectQuestion> parseAspectText(const std::string &text, const std::string &source)
{
    std::vector<AspectQuestion> aspects;
    std::set<std::string> keys;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trimmed(line);
        if (line.empty() || line.front() == '#')
            continue;
        const auto where = [&] { return "line " + std::to_string(number) + ": "; };
        AspectQuestion aspect;
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos && line.find(' ') > colon) {
            aspect.key = trimmed(line.substr(0, colon));
            aspect.question = trimmed(line.substr(colon + 1));
            if (!validKey(aspect.key))
                throw FileError(source, where() + "the key '" + aspect.key +
                                            "' must be letters, digits and underscores, starting with a letter");
        } else {
            aspect.question = line;
            aspect.key = keyFromQuestion(line);
            if (aspect.key.empty())
                throw FileError(source, where() + "'" + line + "' has no words to name it by; write it as \"key: question\"");
        }
        if (aspect.question.empty())
            throw FileError(source, where() + "the key '" + aspect.key + "' has no question after it");
        if (aspect.question.back() != '?')
            throw FileError(source, where() + "'" + aspect.question +
                                        "' is not a question; each line is a yes/no question ending in '?'");
        if (!keys.insert(aspect.key).second)
            throw FileError(source, where() + "the key '" + aspect.key +
                                        "' is used twice; give one of the questions its own key (\"key: question\")");
        aspects.push_back(std::move(aspect));
    }
    if (aspects.empty())
        throw FileError(source, "holds no questions; write one yes/no question a line, such as \"water: Is there any "
                                "water in the image?\"");
    return aspects;
}

std::vector<AspectQuestion> readAspectFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot be opened");
    std::ostringstream text;
    text << in.rdbuf();
    return parseAspectText(text.str(), path);
}

std::string aspectText(const std::vector<AspectQuestion> &aspects)
{
    std::string text;
    for (const AspectQuestion &a : aspects)
        text += a.key + ": " + a.question + "\n";
    return text;
}

Json aspectsToJson(const std::vector<AspectQuestion> &aspects)
{
    Json out = Json::array();
    for (const AspectQuestion &a : aspects)
        out.push_back({{"key", a.key}, {"question", a.question}});
    return out;
}

std::vector<AspectQuestion> aspectsFromJson(const Json &json)
{
    std::vector<AspectQuestion> aspects;
    for (const Json &a : json)
        aspects.push_back({a.at("key").get<std::string>(), a.at("question").get<std::string>()});
    return aspects;
}

std::string aspectPrompt(const AspectQuestion &aspect)
{
    return aspect.question + "\nAnswer the question using a single word or phrase.";
}

} // namespace geolens
