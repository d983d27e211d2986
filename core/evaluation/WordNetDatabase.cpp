#include "evaluation/WordNetDatabase.h"

#include "common/Error.h"
#include "common/MappedFile.h"
#include "evaluation/CaptionTokens.h"

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <unordered_set>
#include <utility>

namespace geolens {

namespace {

constexpr char PosLetters[] = {'n', 'v', 'a', 'r'};
const char *const PosFileNames[] = {"noun", "verb", "adj", "adv"};

struct Substitution {
    const char *suffix;
    const char *replacement;
};

// nltk's MORPHOLOGICAL_SUBSTITUTIONS; the order decides the order of the forms tried.
const std::vector<Substitution> &substitutionsFor(int pos)
{
    static const std::vector<Substitution> noun = {{"s", ""},    {"ses", "s"},   {"ves", "f"},
                                                   {"xes", "x"}, {"zes", "z"},   {"ches", "ch"},
                                                   {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
    static const std::vector<Substitution> verb = {{"s", ""},   {"ies", "y"}, {"es", "e"},   {"es", ""},
                                                   {"ed", "e"}, {"ed", ""},   {"ing", "e"}, {"ing", ""}};
    static const std::vector<Substitution> adjective = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};
    static const std::vector<Substitution> adverb;
    switch (pos) {
    case 0: return noun;
    case 1: return verb;
    case 2: return adjective;
    default: return adverb;
    }
}

bool endsWith(const std::string &word, const std::string &suffix)
{
    return word.size() >= suffix.size() && word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string joinPath(const std::string &dir, const std::string &name)
{
    return (!dir.empty() && dir.back() == '/') ? dir + name : dir + "/" + name;
}

std::uint64_t parseUnsigned(const std::string &token, int base, const std::string &path, std::size_t lineNumber)
{
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
        value = std::stoull(token, &used, base);
    } catch (const std::exception &) {
        used = 0;
    }
    if (token.empty() || used != token.size() || token[0] == '-' || token[0] == '+')
        throw FileError(path, (lineNumber > 0 ? "line " + std::to_string(lineNumber) + ": " : std::string()) + "\"" + token
                                  + "\" is not a number.");
    return value;
}

// The lemma name without a trailing syntactic marker: nltk cuts at the first '(' when the name
// ends with ')'.
std::string withoutAdjectiveMarker(const std::string &name)
{
    if (!name.empty() && name.back() == ')') {
        const std::size_t open = name.find('(');
        if (open != std::string::npos)
            return name.substr(0, open);
    }
    return name;
}

// index.pos: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
// Lines that start with a space are the license header.
void readIndex(const std::string &path, std::unordered_map<std::string, std::vector<std::uint64_t>> &offsetsByLemma)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot be read.");
    std::string line;
    std::size_t lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (line.empty() || line[0] == ' ')
            continue;
        const std::vector<std::string> fields = splitOnWhitespace(line);
        const auto malformed = [&](const std::string &why) {
            return FileError(path, "line " + std::to_string(lineNumber) + " is not a WordNet index entry: " + why);
        };
        if (fields.size() < 4)
            throw malformed("too few fields.");
        const std::uint64_t synsetCount = parseUnsigned(fields[2], 10, path, lineNumber);
        const std::uint64_t pointerCount = parseUnsigned(fields[3], 10, path, lineNumber);
        const std::size_t senseField = 4 + pointerCount;
        if (synsetCount == 0 || fields.size() < senseField + 2 + synsetCount)
            throw malformed("its counts do not match its fields.");
        if (parseUnsigned(fields[senseField], 10, path, lineNumber) != synsetCount)
            throw malformed("sense and synset counts differ.");
        std::vector<std::uint64_t> offsets;
        offsets.reserve(synsetCount);
        for (std::size_t k = 0; k < synsetCount; ++k)
            offsets.push_back(parseUnsigned(fields[senseField + 2 + k], 10, path, lineNumber));
        // A later line for the same lemma replaces an earlier one, as in nltk's dictionary.
        offsetsByLemma[fields[0]] = std::move(offsets);
    }
}

// pos.exc: inflected form followed by its base forms.
void readExceptions(const std::string &path, std::unordered_map<std::string, std::vector<std::string>> &exceptions)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot be read.");
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> terms = splitOnWhitespace(line);
        if (terms.empty())
            continue;
        std::string form = std::move(terms.front());
        terms.erase(terms.begin());
        exceptions[form] = std::move(terms);
    }
}

} // namespace

std::string WordNetDatabase::defaultDir()
{
    return "/usr/share/wordnet";
}

bool WordNetDatabase::isInstalled(const std::string &dictDir)
{
    return std::ifstream(joinPath(dictDir, "index.noun")).good();
}

WordNetDatabase WordNetDatabase::open(const std::string &dictDir)
{
    if (!isInstalled(dictDir))
        throw FileError(dictDir, "holds no WordNet 3.0 dictionary (index.noun is missing); METEOR's synonym stage "
                                 "needs it. On Debian and Ubuntu install the package wordnet-base.");
    WordNetDatabase database;
    database.dictDir_ = dictDir;
    for (int pos = 0; pos < PosCount; ++pos) {
        const std::string name = PosFileNames[pos];
        PosIndex &index = database.indexes_[pos];
        readIndex(joinPath(dictDir, "index." + name), index.offsetsByLemma);
        readExceptions(joinPath(dictDir, name + ".exc"), index.exceptions);
        index.data = MappedFile::open(joinPath(dictDir, "data." + name));
    }
    return database;
}

int WordNetDatabase::posIndex(char pos)
{
    for (int k = 0; k < PosCount; ++k) {
        if (PosLetters[k] == pos)
            return k;
    }
    if (pos == 's')
        return 2;
    throw InvalidArgument(std::string("'") + pos + "' is not a WordNet part of speech (n, v, a, s or r).");
}

std::vector<std::string> WordNetDatabase::baseForms(const std::string &form, char posLetter) const
{
    const int pos = posIndex(posLetter);
    const PosIndex &index = indexes_[pos];
    // The forms that the index knows, each once, in the order given.
    const auto known = [&index](const std::vector<std::string> &forms) {
        std::vector<std::string> result;
        for (const std::string &candidate : forms) {
            if (index.offsetsByLemma.count(candidate) && std::find(result.begin(), result.end(), candidate) == result.end())
                result.push_back(candidate);
        }
        return result;
    };
    const auto substituted = [pos](const std::vector<std::string> &forms) {
        std::vector<std::string> result;
        std::unordered_set<std::string> seen;
        for (const std::string &candidate : forms) {
            for (const Substitution &rule : substitutionsFor(pos)) {
                if (!endsWith(candidate, rule.suffix))
                    continue;
                std::string next = candidate.substr(0, candidate.size() - std::char_traits<char>::length(rule.suffix)) + rule.replacement;
                // Later duplicates cannot change which known forms come first, and dropping
                // them keeps long chains of suffixes from multiplying.
                if (seen.insert(next).second)
                    result.push_back(std::move(next));
            }
        }
        return result;
    };

    const auto exception = index.exceptions.find(form);
    if (exception != index.exceptions.end()) {
        std::vector<std::string> forms{form};
        forms.insert(forms.end(), exception->second.begin(), exception->second.end());
        return known(forms);
    }
    std::vector<std::string> forms = substituted({form});
    std::vector<std::string> withOriginal{form};
    withOriginal.insert(withOriginal.end(), forms.begin(), forms.end());
    std::vector<std::string> results = known(withOriginal);
    while (results.empty() && !forms.empty()) {
        forms = substituted(forms);
        results = known(forms);
    }
    return results;
}

WordNetDatabase::Synset WordNetDatabase::readSynset(int pos, std::uint64_t offset) const
{
    const MappedFile &file = *indexes_[pos].data;
    const auto bad = [&](const std::string &why) {
        return FileError(file.path(), "byte offset " + std::to_string(offset) + " holds no synset: " + why);
    };
    if (offset >= file.size())
        throw bad("the file is shorter.");
    const char *begin = reinterpret_cast<const char *>(file.data()) + offset;
    const char *end = reinterpret_cast<const char *>(file.data()) + file.size();
    const char *newline = std::find(begin, end, '\n');
    std::string line(begin, newline);
    const std::size_t bar = line.find('|');
    if (bar != std::string::npos)
        line.resize(bar);
    const std::vector<std::string> fields = splitOnWhitespace(line);
    // synset_offset lex_filenum ss_type w_cnt (word lex_id)...
    if (fields.size() < 4 || fields[0].size() != 8 || parseUnsigned(fields[0], 10, file.path(), 0) != offset)
        throw bad("the line there does not start with that offset.");
    const std::uint64_t wordCount = parseUnsigned(fields[3], 16, file.path(), 0);
    if (fields.size() < 4 + 2 * wordCount)
        throw bad("it lists fewer words than it counts.");
    Synset synset;
    synset.pos = fields[2].empty() ? PosLetters[pos] : fields[2][0];
    synset.offset = offset;
    for (std::size_t k = 0; k < wordCount; ++k)
        synset.lemmaNames.push_back(withoutAdjectiveMarker(fields[4 + 2 * k]));
    return synset;
}

std::vector<WordNetDatabase::Synset> WordNetDatabase::synsets(const std::string &word) const
{
    const std::string lemma = asciiLowerCase(word);
    std::vector<Synset> result;
    for (int pos = 0; pos < PosCount; ++pos) {
        for (const std::string &form : baseForms(lemma, PosLetters[pos])) {
            for (const std::uint64_t offset : indexes_[pos].offsetsByLemma.at(form))
                result.push_back(readSynset(pos, offset));
        }
    }
    return result;
}

std::vector<std::string> WordNetDatabase::synonyms(const std::string &word) const
{
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;
    for (const Synset &synset : synsets(word)) {
        for (const std::string &name : synset.lemmaNames) {
            if (seen.insert(name).second)
                names.push_back(name);
        }
    }
    return names;
}

} // namespace geolens
