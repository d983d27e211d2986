#include "model/spm_shim/SpmShim.h"

#include <sentencepiece_processor.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

struct GeolensSpmProcessor {
    sentencepiece::SentencePieceProcessor processor;
};

namespace {

// malloc'd copy with a terminating NUL, so that geolens_spm_release (free) can give it back.
char *copyToBuffer(const char *data, std::size_t length)
{
    auto *buffer = static_cast<char *>(std::malloc(length + 1));
    if (!buffer)
        return nullptr;
    if (length > 0)
        std::memcpy(buffer, data, length);
    buffer[length] = '\0';
    return buffer;
}

void setError(char **error, const std::string &message)
{
    if (error)
        *error = copyToBuffer(message.data(), message.size());
}

bool isValidId(const GeolensSpmProcessor *processor, int id)
{
    return id >= 0 && id < processor->processor.GetPieceSize();
}

} // namespace

extern "C" {

int geolens_spm_interface_version(void)
{
    return GEOLENS_SPM_INTERFACE_VERSION;
}

void geolens_spm_release(void *buffer)
{
    std::free(buffer);
}

GeolensSpmProcessor *geolens_spm_create(const char *model_path, char **error)
{
    if (error)
        *error = nullptr;
    if (!model_path) {
        setError(error, "no model file was given.");
        return nullptr;
    }
    try {
        auto *processor = new GeolensSpmProcessor;
        const auto status = processor->processor.Load(std::string(model_path));
        if (!status.ok()) {
            setError(error, status.ToString());
            delete processor;
            return nullptr;
        }
        if (processor->processor.GetPieceSize() <= 0) {
            setError(error, "the model has no pieces.");
            delete processor;
            return nullptr;
        }
        return processor;
    } catch (const std::exception &e) {
        setError(error, e.what());
    } catch (...) {
        setError(error, "unexpected failure while loading the model.");
    }
    return nullptr;
}

void geolens_spm_destroy(GeolensSpmProcessor *processor)
{
    delete processor;
}

int geolens_spm_piece_count(const GeolensSpmProcessor *processor)
{
    return processor->processor.GetPieceSize();
}

int geolens_spm_bos_id(const GeolensSpmProcessor *processor)
{
    return processor->processor.bos_id();
}

int geolens_spm_eos_id(const GeolensSpmProcessor *processor)
{
    return processor->processor.eos_id();
}

int geolens_spm_unk_id(const GeolensSpmProcessor *processor)
{
    return processor->processor.unk_id();
}

int geolens_spm_piece_to_id(const GeolensSpmProcessor *processor, const char *piece, size_t piece_length)
{
    try {
        return processor->processor.PieceToId(std::string(piece, piece_length));
    } catch (...) {
        return processor->processor.unk_id();
    }
}

int geolens_spm_id_to_piece(const GeolensSpmProcessor *processor, int id, char **piece, size_t *length)
{
    *piece = nullptr;
    *length = 0;
    // SentencePiece does not range-check here, so an invalid id must never reach it.
    if (!isValidId(processor, id))
        return -1;
    try {
        const std::string &text = processor->processor.IdToPiece(id);
        *piece = copyToBuffer(text.data(), text.size());
        if (!*piece)
            return -1;
        *length = text.size();
        return 0;
    } catch (...) {
        return -1;
    }
}

int geolens_spm_is_byte(const GeolensSpmProcessor *processor, int id)
{
    if (!isValidId(processor, id))
        return 0;
    return processor->processor.IsByte(id) ? 1 : 0;
}

int geolens_spm_encode(const GeolensSpmProcessor *processor, const char *text, size_t text_length, int **ids,
                       size_t *count, char **error)
{
    *ids = nullptr;
    *count = 0;
    if (error)
        *error = nullptr;
    try {
        std::vector<int> encoded;
        const auto status = processor->processor.Encode(std::string(text, text_length), &encoded);
        if (!status.ok()) {
            setError(error, status.ToString());
            return -1;
        }
        if (encoded.empty())
            return 0;
        *ids = static_cast<int *>(std::malloc(encoded.size() * sizeof(int)));
        if (!*ids) {
            setError(error, "out of memory.");
            return -1;
        }
        std::memcpy(*ids, encoded.data(), encoded.size() * sizeof(int));
        *count = encoded.size();
        return 0;
    } catch (const std::exception &e) {
        setError(error, e.what());
    } catch (...) {
        setError(error, "unexpected failure while encoding.");
    }
    return -1;
}

int geolens_spm_decode(const GeolensSpmProcessor *processor, const int *ids, size_t count, char **text,
                       size_t *length, char **error)
{
    *text = nullptr;
    *length = 0;
    if (error)
        *error = nullptr;
    try {
        std::vector<int> pieces(ids, ids + count);
        for (const int id : pieces) {
            if (!isValidId(processor, id)) {
                setError(error, "token id " + std::to_string(id) + " is not part of the vocabulary.");
                return -1;
            }
        }
        std::string decoded;
        const auto status = processor->processor.Decode(pieces, &decoded);
        if (!status.ok()) {
            setError(error, status.ToString());
            return -1;
        }
        *text = copyToBuffer(decoded.data(), decoded.size());
        if (!*text) {
            setError(error, "out of memory.");
            return -1;
        }
        *length = decoded.size();
        return 0;
    } catch (const std::exception &e) {
        setError(error, e.what());
    } catch (...) {
        setError(error, "unexpected failure while decoding.");
    }
    return -1;
}

} // extern "C"
