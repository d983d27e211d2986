#pragma once

#include <string>

namespace geolens {

// The Porter stemmer exactly as nltk 3.8's PorterStemmer() stems (its default NLTK_EXTENSIONS
// mode: Martin Porter's later fixes plus nltk's irregular forms such as dying -> die, its
// 'ies'/'ied' rules for four-letter words, its y -> i rule and its 'logi' and 'fulli' rules), so
// that METEOR's stem stage matches nltk's. Words are UTF-8; the algorithm runs on code points as
// Python's does. Only ASCII letters are lower-cased (see asciiLowerCase in CaptionTokens.h).
class PorterStemmer {
public:
    std::string stem(const std::string &word) const;
};

} // namespace geolens
