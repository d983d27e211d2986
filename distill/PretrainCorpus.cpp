#include "distill/PretrainCorpus.h"

#include "common/Error.h"
#include "common/JsonIo.h"
#include "common/MappedFile.h"

#include <cctype>
#include <filesystem>
#include <sstream>
#include <string_view>

namespace geolens {

namespace {

namespace fs = std::filesystem;

bool isBlank(std::string_view text)
{
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v')
            return false;
    return true;
}

bool endsWith(const std::string &text, const std::string &suffix)
{
    if (text.size() < suffix.size())
        return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        const char c = text[text.size() - suffix.size() + i];
        if (std::tolower(static_cast<unsigned char>(c)) != suffix[i])
            return false;
    }
    return true;
}

// Calls visit(line, number) for each line, without its line break.
template <typename Visit>
void forEachLine(std::string_view text, Visit &&visit)
{
    std::size_t number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        visit(line, ++number);
        start = end + 1;
    }
}

// The counts and the first bad lines, without the file name.
std::string describeContent(const PretrainCorpusReport &report)
{
    std::ostringstream out;
    out << report.documents << " documents";
    if (report.imagePairs)
        out << " (" << report.imagePairs << " with an image)";
    if (report.emptyDocuments)
        out << ", " << report.emptyDocuments << " empty dropped";
    if (report.badLines)
        out << ", " << report.badLines << " bad line" << (report.badLines == 1 ? "" : "s") << " skipped";
    out << ".";
    for (const CorpusBadLine &bad : report.examples)
        out << "\n  line " << bad.line << ": " << bad.problem;
    return out.str();
}

} // namespace

std::string PretrainCorpusReport::summary() const
{
    return path + ": " + describeContent(*this);
}

PretrainCorpus PretrainCorpus::load(const std::string &path, CorpusFormat format, std::size_t maxExamples)
{
    if (format == CorpusFormat::Auto)
        format = endsWith(path, ".jsonl") ? CorpusFormat::JsonLines : CorpusFormat::PlainText;
    const auto file = MappedFile::open(path);
    const std::string_view text(reinterpret_cast<const char *>(file->data()), file->size());

    PretrainCorpus corpus;
    PretrainCorpusReport &report = corpus.report_;
    report.path = path;
    report.format = format;

    if (format == CorpusFormat::PlainText) {
        std::string document;
        auto finish = [&] {
            if (!document.empty())
                corpus.documents_.push_back({std::move(document), {}, {}});
            document.clear();
        };
        forEachLine(text, [&](std::string_view line, std::size_t) {
            if (isBlank(line)) {
                finish();
                return;
            }
            if (!document.empty())
                document += '\n';
            document.append(line.data(), line.size());
        });
        finish();
    } else {
        const fs::path folder = fs::path(path).parent_path();
        auto bad = [&](std::size_t number, std::string problem) {
            ++report.badLines;
            if (report.examples.size() < maxExamples)
                report.examples.push_back({number, std::move(problem)});
        };
        forEachLine(text, [&](std::string_view line, std::size_t number) {
            if (isBlank(line))
                return;
            Json value;
            try {
                value = parseJson(line);
            } catch (const JsonError &e) {
                bad(number, "invalid JSON at column " + std::to_string(e.column()) + ": " + e.problem());
                return;
            }
            if (!value.is_object())
                return bad(number, std::string("expected an object, found ") + jsonTypeName(value) + ".");
            const Json *field = jsonMember(value, "text");
            if (!field)
                return bad(number, "the object has no \"text\" field.");
            if (!field->is_string())
                return bad(number, std::string("\"text\" is ") + jsonTypeName(*field) + ", expected a string.");
            CorpusDocument document{field->get_ref<const std::string &>(), {}, {}};
            for (const char *name : {"image", "prompt"}) {
                const Json *optional = jsonMember(value, name);
                if (optional && !optional->is_string())
                    return bad(number, std::string("\"") + name + "\" is " + jsonTypeName(*optional) +
                                           ", expected a string.");
            }
            if (const Json *image = jsonMember(value, "image")) {
                fs::path file(image->get<std::string>());
                if (file.is_relative())
                    file = folder / file;
                std::error_code error;
                if (!fs::is_regular_file(file, error))
                    return bad(number, "the image " + file.string() + " does not exist.");
                document.image = file.string();
                if (const Json *prompt = jsonMember(value, "prompt"))
                    document.prompt = prompt->get<std::string>();
            }
            if (isBlank(document.text)) {
                ++report.emptyDocuments;
                return;
            }
            report.imagePairs += document.image.empty() ? 0 : 1;
            corpus.documents_.push_back(std::move(document));
        });
    }
    report.documents = corpus.documents_.size();
    if (corpus.documents_.empty())
        throw FileError(path, "the corpus holds no usable document: " + describeContent(report));
    return corpus;
}

} // namespace geolens
