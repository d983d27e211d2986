#include "model/Tokenizer.h"

#include "common/Error.h"
#include "model/spm_shim/SpmShim.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef GEOLENS_SPM_LIBRARY_NAME
#define GEOLENS_SPM_LIBRARY_NAME "libgeolens_spm.so"
#endif

namespace geolens {

namespace {

constexpr const char *LibraryVariable = "GEOLENS_SPM_LIBRARY";
constexpr const char *ImageMarker = "<image>";

struct LibraryCloser {
    void operator()(void *handle) const
    {
        if (handle)
            ::dlclose(handle);
    }
};
using LibraryHandle = std::unique_ptr<void, LibraryCloser>;

// The functions of the shim, resolved with dlsym; the library is never linked.
struct SpmFunctions {
    decltype(&geolens_spm_interface_version) interfaceVersion = nullptr;
    decltype(&geolens_spm_release) release = nullptr;
    decltype(&geolens_spm_create) create = nullptr;
    decltype(&geolens_spm_destroy) destroy = nullptr;
    decltype(&geolens_spm_piece_count) pieceCount = nullptr;
    decltype(&geolens_spm_bos_id) bosId = nullptr;
    decltype(&geolens_spm_eos_id) eosId = nullptr;
    decltype(&geolens_spm_unk_id) unkId = nullptr;
    decltype(&geolens_spm_piece_to_id) pieceToId = nullptr;
    decltype(&geolens_spm_id_to_piece) idToPiece = nullptr;
    decltype(&geolens_spm_is_byte) isByte = nullptr;
    decltype(&geolens_spm_encode) encode = nullptr;
    decltype(&geolens_spm_decode) decode = nullptr;
};

struct ProcessorDestroyer {
    decltype(&geolens_spm_destroy) destroy = nullptr;
    void operator()(GeolensSpmProcessor *processor) const
    {
        if (processor)
            destroy(processor);
    }
};

// A buffer the shim allocated, given back to the shim (not to our allocator) when it goes.
template <typename T>
class ShimBuffer {
public:
    explicit ShimBuffer(decltype(&geolens_spm_release) release) : release_(release) {}
    ~ShimBuffer() { release_(data_); }
    ShimBuffer(const ShimBuffer &) = delete;
    ShimBuffer &operator=(const ShimBuffer &) = delete;

    T **out() { return &data_; }
    const T *get() const { return data_; }
    std::string text(std::size_t length) const { return data_ ? std::string(data_, length) : std::string(); }
    std::string message() const { return data_ ? std::string(data_) : std::string("unknown error."); }

private:
    decltype(&geolens_spm_release) release_;
    T *data_ = nullptr;
};

std::string directoryOf(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? std::string("/") : path.substr(0, slash);
}

std::string runningExecutable()
{
    std::string buffer(4096, '\0');
    const ssize_t length = ::readlink("/proc/self/exe", buffer.data(), buffer.size());
    if (length <= 0 || static_cast<std::size_t>(length) >= buffer.size())
        return {};
    buffer.resize(static_cast<std::size_t>(length));
    return buffer;
}

// The executable or shared library this code was linked into: the shim is installed next to it
// when GeoLens is used as a library by another program.
std::string binaryContainingThisCode()
{
    Dl_info info {};
    if (::dladdr(reinterpret_cast<void *>(&binaryContainingThisCode), &info) == 0 || !info.dli_fname)
        return {};
    // For the executable itself the loader reports the name it was started by, maybe relative.
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(info.dli_fname, nullptr), &std::free);
    return resolved ? std::string(resolved.get()) : std::string();
}

std::vector<std::string> libraryCandidates()
{
    std::vector<std::string> candidates;
    auto add = [&candidates](const std::string &path) {
        for (const auto &existing : candidates) {
            if (existing == path)
                return;
        }
        candidates.push_back(path);
    };
    const std::string name = GEOLENS_SPM_LIBRARY_NAME;
    const std::string executable = runningExecutable();
    if (!executable.empty()) {
        const std::string folder = directoryOf(executable);
        add(folder + "/" + name);
        add(folder + "/../lib/" + name);
    }
    const std::string binary = binaryContainingThisCode();
    if (!binary.empty() && binary != executable)
        add(directoryOf(binary) + "/" + name);
    return candidates;
}

bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// True when a shared protobuf is in the program's global namespace, as when Debian's LibTorch,
// which links the system's libprotobuf, is loaded.
bool protobufIsGlobal()
{
    return ::dlsym(RTLD_DEFAULT, "_ZN6google8protobuf11MessageLite14ParseFromArrayEPKvi") != nullptr;
}

// Loads the shim out of the global namespace (RTLD_LOCAL). Next to a global protobuf, SentencePiece
// and the protobuf inside it must also bind to each other first (RTLD_DEEPBIND), or the two
// protobufs clash. Deep binding is kept to that case: in a program that carries its own copy of
// the C++ runtime (a static libstdc++, as some compilers' builds of PyTorch's LibTorch programs
// have), SentencePiece would bind to the shared runtime while the program's copy serves the rest,
// and each would free the other's memory.
LibraryHandle openIsolated(const std::string &path, std::string &problem)
{
    int flags = RTLD_NOW | RTLD_LOCAL;
#if defined(RTLD_DEEPBIND) && !defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer refuses RTLD_DEEPBIND; sanitizer builds do without the isolation, so they
    // cannot tokenize in a process that also links Debian's LibTorch.
    if (protobufIsGlobal())
        flags |= RTLD_DEEPBIND;
#endif
    void *handle = ::dlopen(path.c_str(), flags);
    if (!handle) {
        const char *reason = ::dlerror();
        problem = reason ? reason : "unknown loader error";
    }
    return LibraryHandle(handle);
}

template <typename Function>
void resolve(void *library, const char *symbol, Function &function, const std::string &path)
{
    ::dlerror();
    void *address = ::dlsym(library, symbol);
    if (!address)
        throw Error("The SentencePiece support library " + path + " does not provide " + symbol +
                    "; it does not belong to this version of GeoLens.");
    function = reinterpret_cast<Function>(address);
}

} // namespace

struct Tokenizer::Backend {
    std::string libraryPath;
    // Declared before the processor so that the processor is destroyed while its code is loaded.
    LibraryHandle library;
    SpmFunctions spm;
    std::unique_ptr<GeolensSpmProcessor, ProcessorDestroyer> processor;
    int bos = 1;
    int eos = 2;
    int unk = 0;
    int vocabSize = 0;
    std::string bosPiece;
    std::string eosPiece;
    std::string unkPiece;

    void openLibrary();
    void resolveFunctions();
    void loadModel(const std::string &modelPath);
    std::string piece(int id) const;
};

void Tokenizer::Backend::openLibrary()
{
    const char *fromEnvironment = std::getenv(LibraryVariable);
    if (fromEnvironment && *fromEnvironment) {
        const std::string path = fromEnvironment;
        std::string problem = "the file does not exist";
        if (fileExists(path))
            library = openIsolated(path, problem);
        if (!library)
            throw Error(std::string("The SentencePiece support library named by ") + LibraryVariable + " (" +
                        path + ") cannot be loaded: " + problem + ".");
        libraryPath = path;
        return;
    }

    std::string looked;
    for (const auto &path : libraryCandidates()) {
        std::string problem = "not found";
        if (fileExists(path)) {
            library = openIsolated(path, problem);
            if (library) {
                libraryPath = path;
                return;
            }
        }
        looked += (looked.empty() ? "" : "; ") + path + " (" + problem + ")";
    }
    throw Error(std::string("The SentencePiece support library ") + GEOLENS_SPM_LIBRARY_NAME +
                " could not be loaded. Looked for it at: " + (looked.empty() ? "no location" : looked) +
                ". Set " + LibraryVariable + " to its path.");
}

void Tokenizer::Backend::resolveFunctions()
{
    void *handle = library.get();
    resolve(handle, "geolens_spm_interface_version", spm.interfaceVersion, libraryPath);
    if (spm.interfaceVersion() != GEOLENS_SPM_INTERFACE_VERSION)
        throw Error("The SentencePiece support library " + libraryPath + " has interface version " +
                    std::to_string(spm.interfaceVersion()) + ", but this version of GeoLens needs " +
                    std::to_string(GEOLENS_SPM_INTERFACE_VERSION) + ".");
    resolve(handle, "geolens_spm_release", spm.release, libraryPath);
    resolve(handle, "geolens_spm_create", spm.create, libraryPath);
    resolve(handle, "geolens_spm_destroy", spm.destroy, libraryPath);
    resolve(handle, "geolens_spm_piece_count", spm.pieceCount, libraryPath);
    resolve(handle, "geolens_spm_bos_id", spm.bosId, libraryPath);
    resolve(handle, "geolens_spm_eos_id", spm.eosId, libraryPath);
    resolve(handle, "geolens_spm_unk_id", spm.unkId, libraryPath);
    resolve(handle, "geolens_spm_piece_to_id", spm.pieceToId, libraryPath);
    resolve(handle, "geolens_spm_id_to_piece", spm.idToPiece, libraryPath);
    resolve(handle, "geolens_spm_is_byte", spm.isByte, libraryPath);
    resolve(handle, "geolens_spm_encode", spm.encode, libraryPath);
    resolve(handle, "geolens_spm_decode", spm.decode, libraryPath);
}

void Tokenizer::Backend::loadModel(const std::string &modelPath)
{
    // Checked here so that a missing file reads the same everywhere, whatever SentencePiece says.
    // O_NONBLOCK: a FIFO named tokenizer.model would otherwise block the open forever.
    const int fd = ::open(modelPath.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw FileError(modelPath, std::string("cannot open the tokenizer model: ") + std::strerror(errno) + ".");
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    ::close(fd);
    if (!regular)
        throw FileError(modelPath, "is not a regular file, so it cannot be a tokenizer model.");

    ShimBuffer<char> error(spm.release);
    processor = std::unique_ptr<GeolensSpmProcessor, ProcessorDestroyer>(spm.create(modelPath.c_str(), error.out()),
                                                                          ProcessorDestroyer {spm.destroy});
    // SentencePiece's own message names a line of its source code, which helps no user.
    if (!processor)
        throw FileError(modelPath, "is not a SentencePiece tokenizer model, or the file is damaged.");

    vocabSize = spm.pieceCount(processor.get());
    bos = spm.bosId(processor.get());
    eos = spm.eosId(processor.get());
    unk = spm.unkId(processor.get());
    if (bos < 0 || eos < 0 || unk < 0)
        throw FileError(modelPath, "is a SentencePiece model without the <s>, </s> and <unk> pieces that "
                                   "LLaMA-style models need.");
    bosPiece = piece(bos);
    eosPiece = piece(eos);
    unkPiece = piece(unk);
}

std::string Tokenizer::Backend::piece(int id) const
{
    ShimBuffer<char> text(spm.release);
    std::size_t length = 0;
    if (spm.idToPiece(processor.get(), id, text.out(), &length) != 0)
        throw InvalidArgument("Token id " + std::to_string(id) + " is outside the tokenizer's vocabulary of " +
                              std::to_string(vocabSize) + " pieces.");
    return text.text(length);
}

std::unique_ptr<Tokenizer> Tokenizer::load(const std::string &modelPath)
{
    auto backend = std::make_unique<Backend>();
    backend->openLibrary();
    backend->resolveFunctions();
    backend->loadModel(modelPath);
    return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(backend)));
}

Tokenizer::Tokenizer(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}

Tokenizer::~Tokenizer() = default;

int Tokenizer::bos() const
{
    return backend_->bos;
}

int Tokenizer::eos() const
{
    return backend_->eos;
}

int Tokenizer::unk() const
{
    return backend_->unk;
}

int Tokenizer::vocabSize() const
{
    return backend_->vocabSize;
}

int Tokenizer::pieceToId(const std::string &piece) const
{
    return backend_->spm.pieceToId(backend_->processor.get(), piece.data(), piece.size());
}

std::string Tokenizer::idToPiece(int id) const
{
    return backend_->piece(id);
}

bool Tokenizer::isBytePiece(int id) const
{
    return backend_->spm.isByte(backend_->processor.get(), id) != 0;
}

std::vector<int> Tokenizer::encode(const std::string &text) const
{
    ShimBuffer<int> ids(backend_->spm.release);
    ShimBuffer<char> error(backend_->spm.release);
    std::size_t count = 0;
    if (backend_->spm.encode(backend_->processor.get(), text.data(), text.size(), ids.out(), &count, error.out()) != 0)
        throw Error("The text cannot be tokenized: " + error.message());
    if (count == 0)
        return {};
    return std::vector<int>(ids.get(), ids.get() + count);
}

std::vector<int> Tokenizer::encodeWithSpecialPieces(const std::string &text) const
{
    // The Hugging Face tokenizer never lets SentencePiece see these strings: it cuts the text
    // around them, gives each its id, and encodes the pieces in between on their own (each with
    // its dummy prefix, as the "legacy" LlamaTokenizer of LLaVA's time does).
    const std::pair<const std::string *, int> specials[] = {
        {&backend_->bosPiece, backend_->bos},
        {&backend_->eosPiece, backend_->eos},
        {&backend_->unkPiece, backend_->unk},
    };
    std::vector<int> ids;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t found = std::string::npos;
        const std::pair<const std::string *, int> *match = nullptr;
        for (const auto &special : specials) {
            const std::size_t at = text.find(*special.first, start);
            if (at < found) {
                found = at;
                match = &special;
            }
        }
        const std::string before = text.substr(start, found == std::string::npos ? std::string::npos : found - start);
        if (!before.empty()) {
            const auto encoded = encode(before);
            ids.insert(ids.end(), encoded.begin(), encoded.end());
        }
        if (!match)
            break;
        ids.push_back(match->second);
        start = found + match->first->size();
    }
    return ids;
}

std::vector<int> Tokenizer::encodePrompt(const std::string &prompt) const
{
    // LLaVA encodes each part with BOS and keeps only the first part's: one BOS at the front.
    std::vector<int> ids {backend_->bos};
    const std::string marker = ImageMarker;
    std::size_t start = 0;
    while (true) {
        const std::size_t found = prompt.find(marker, start);
        const auto part = prompt.substr(start, found == std::string::npos ? std::string::npos : found - start);
        const auto encoded = encodeWithSpecialPieces(part);
        ids.insert(ids.end(), encoded.begin(), encoded.end());
        if (found == std::string::npos)
            break;
        ids.push_back(ImageToken);
        start = found + marker.size();
    }
    return ids;
}

bool Tokenizer::isSkippedInText(int id) const
{
    return id == backend_->bos || id == backend_->eos || id == backend_->unk || id == ImageToken;
}

std::string Tokenizer::decode(const std::vector<int> &ids) const
{
    std::vector<int> kept;
    kept.reserve(ids.size());
    for (const int id : ids) {
        if (isSkippedInText(id))
            continue;
        if (id < 0 || id >= backend_->vocabSize)
            throw InvalidArgument("Token id " + std::to_string(id) + " is outside the tokenizer's vocabulary of " +
                                  std::to_string(backend_->vocabSize) + " pieces.");
        kept.push_back(id);
    }
    if (kept.empty())
        return {};
    ShimBuffer<char> text(backend_->spm.release);
    ShimBuffer<char> error(backend_->spm.release);
    std::size_t length = 0;
    const auto &spm = backend_->spm;
    if (spm.decode(backend_->processor.get(), kept.data(), kept.size(), text.out(), &length, error.out()) != 0)
        throw Error("The token ids cannot be turned into text: " + error.message());
    return text.text(length);
}

const std::string &Tokenizer::libraryPath() const
{
    return backend_->libraryPath;
}

} // namespace geolens
