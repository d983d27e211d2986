#pragma once

#include <memory>
#include <string>
#include <vector>

namespace geolens {

// LLaMA's SentencePiece tokenizer as GeoChat (LLaVA-1.5) uses it: encoding of prompts with the
// image placeholder, and decoding of generated ids the way the Hugging Face LlamaTokenizer
// decodes them with skip_special_tokens.
//
// SentencePiece itself lives in a small shared library (geolens_spm) that is loaded at run time
// and kept apart from the rest of the process, because the distribution's SentencePiece and
// LibTorch cannot both be linked into one program. The library handle and the loaded model belong
// to this object. All const methods may be called from several threads at once.
class Tokenizer {
public:
    // Stands in the id sequence where the vision tower's embeddings go (LLaVA's IMAGE_TOKEN_INDEX).
    static constexpr int ImageToken = -200;

    // Loads a SentencePiece model (tokenizer.model). Looks for the geolens_spm library in this
    // order: the path in the environment variable GEOLENS_SPM_LIBRARY (when set, nowhere else),
    // the folder of the running executable and its ../lib, then the folder of the binary that
    // contains this code. Throws Error (saying where it looked) when the library cannot be
    // loaded, FileError naming the model when that cannot be read or is not a SentencePiece model.
    static std::unique_ptr<Tokenizer> load(const std::string &modelPath);

    ~Tokenizer();
    Tokenizer(const Tokenizer &) = delete;
    Tokenizer &operator=(const Tokenizer &) = delete;

    int bos() const;
    int eos() const;
    int unk() const;
    int vocabSize() const;
    // The id of a piece such as "\u2581Hello" or "<0x0A>"; unk() when the model has no such piece.
    int pieceToId(const std::string &piece) const;
    // Throws InvalidArgument for an id outside [0, vocabSize()).
    std::string idToPiece(int id) const;
    // True for the byte-fallback pieces <0x00> ... <0xFF>, which carry one byte of UTF-8 each.
    bool isBytePiece(int id) const;

    // One SentencePiece encoding, with its dummy-prefix space and without BOS: "\n" gives
    // [29871, 13], "Hello" gives [15043].
    std::vector<int> encode(const std::string &text) const;

    // LLaVA's tokenizer_image_token: [BOS], then each part of the prompt between "<image>" markers
    // encoded on its own (with its dummy prefix), the parts joined by ImageToken. An empty part
    // adds nothing, so "<image>\nWhat" gives [1, -200, 29871, 13, ...]. Inside a part, the special
    // pieces "<s>", "</s>" and "<unk>" written as text become their ids, as the Hugging Face
    // tokenizer that GeoChat was trained with does: a conversation's turns end with "</s>".
    std::vector<int> encodePrompt(const std::string &prompt) const;

    // The text of ids as LlamaTokenizer.decode(ids, skip_special_tokens=True) gives it: BOS, EOS,
    // unk and ImageToken are skipped, byte-fallback pieces are joined into UTF-8 (bytes that do not
    // form valid UTF-8 become U+FFFD), and the leading space of the first word is dropped. Throws
    // InvalidArgument for any other id outside the vocabulary.
    std::string decode(const std::vector<int> &ids) const;

    // True for the ids decode() skips.
    bool isSkippedInText(int id) const;

    // Where the geolens_spm library was loaded from, for diagnostics.
    const std::string &libraryPath() const;

private:
    struct Backend;
    explicit Tokenizer(std::unique_ptr<Backend> backend);

    std::vector<int> encodeWithSpecialPieces(const std::string &text) const;

    std::unique_ptr<Backend> backend_;
};

} // namespace geolens
