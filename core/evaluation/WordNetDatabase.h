#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace geolens {

class MappedFile;

// WordNet 3.0 read from its dict files (Debian's wordnet-base: /usr/share/wordnet), answering
// synset queries the way nltk 3.8's WordNetCorpusReader.synsets(word) does, which is what
// METEOR's synonym stage calls: the word lower-cased, then for the parts of speech noun, verb,
// adjective, adverb in that order, nltk's morphy (exception lists, then its suffix substitutions)
// finds base forms present in the index, and each base form's synsets are read from the data
// file at their byte offsets. Adjective satellites come with the adjectives (index.adj lists
// them). Lemma names are as nltk returns them: case kept, underscores for spaces, the adjective
// position markers "(a)", "(p)", "(ip)" removed.
//
// The index and exception lists are read into memory when the database opens (a few tenths of a second);
// the data files are memory-mapped and parsed per query. The object is immutable after open, so
// one database can serve several threads.
class WordNetDatabase {
public:
    struct Synset {
        char pos = 'n';            // nltk's letter from the data line: n, v, a, s (satellite) or r
        std::uint64_t offset = 0;  // byte offset of its line in the data file
        std::vector<std::string> lemmaNames;
    };

    // Where Debian's wordnet-base installs the dict files.
    static std::string defaultDir();
    // Whether dictDir holds the WordNet files this class reads (index.noun is the witness).
    static bool isInstalled(const std::string &dictDir = defaultDir());
    // Throws FileError naming dictDir (and the package wordnet-base) when the files are missing,
    // and naming the file and line when one is malformed.
    static WordNetDatabase open(const std::string &dictDir = defaultDir());

    const std::string &dictDir() const { return dictDir_; }

    // nltk's wordnet.synsets(word): in its order, duplicates included.
    std::vector<Synset> synsets(const std::string &word) const;
    // The lemma names of synsets(word), each once, in the order first met. Contains the word's
    // base forms themselves when WordNet knows the word at all.
    std::vector<std::string> synonyms(const std::string &word) const;
    // nltk's _morphy(form, pos) for pos n, v, a or r: the base forms of form in the index.
    std::vector<std::string> baseForms(const std::string &form, char pos) const;

private:
    static constexpr int PosCount = 4; // n, v, a, r
    using Offsets = std::vector<std::uint64_t>;
    struct PosIndex {
        std::unordered_map<std::string, Offsets> offsetsByLemma;
        std::unordered_map<std::string, std::vector<std::string>> exceptions;
        std::shared_ptr<const MappedFile> data;
    };

    WordNetDatabase() = default;
    static int posIndex(char pos);
    Synset readSynset(int pos, std::uint64_t offset) const;

    std::string dictDir_;
    std::array<PosIndex, PosCount> indexes_;
};

} // namespace geolens
