#include "evaluation/AnswerNormalisation.h"

#include <cctype>

namespace geolens {

namespace {

std::string lowerWithout(const std::string &text, const char *drop)
{
    std::string key;
    key.reserve(text.size());
    for (char c : text) {
        bool skip = false;
        for (const char *d = drop; *d; ++d)
            skip = skip || c == *d;
        if (!skip)
            key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return key;
}

} // namespace

std::string sceneClassKey(const std::string &text)
{
    return lowerWithout(text, " ._");
}

std::string vqaAnswerKey(const std::string &text)
{
    return lowerWithout(text, " .");
}

} // namespace geolens
