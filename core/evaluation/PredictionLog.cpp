#include "evaluation/PredictionLog.h"

#include "common/AtomicFile.h"
#include "common/Error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

namespace geolens {

Json PredictionRecord::toJson() const
{
    Json j;
    j["id"] = id;
    j["answer"] = answer;
    j["status"] = status;
    if (!detail.empty())
        j["detail"] = detail;
    j["seconds"] = seconds;
    j["model_seconds"] = modelSeconds;
    j["prompt_tokens"] = promptTokens;
    j["generated_tokens"] = generatedTokens;
    j["flops"] = flops;
    j["image_width"] = imageWidth;
    j["image_height"] = imageHeight;
    return j;
}

PredictionRecord PredictionRecord::fromJson(const Json &j)
{
    const Json *id = jsonMember(j, "id");
    if (!id || !id->is_string())
        throw JsonError("A prediction has no \"id\".");
    PredictionRecord r;
    r.id = id->get<std::string>();
    const auto text = [&](const char *key, std::string &out) {
        if (const Json *v = jsonMember(j, key); v && v->is_string())
            out = v->get<std::string>();
    };
    const auto number = [&](const char *key, auto &out) {
        if (const Json *v = jsonMember(j, key); v && v->is_number())
            out = v->get<std::decay_t<decltype(out)>>();
    };
    text("answer", r.answer);
    text("status", r.status);
    text("detail", r.detail);
    number("seconds", r.seconds);
    number("model_seconds", r.modelSeconds);
    number("prompt_tokens", r.promptTokens);
    number("generated_tokens", r.generatedTokens);
    number("flops", r.flops);
    number("image_width", r.imageWidth);
    number("image_height", r.imageHeight);
    return r;
}

PredictionLog::PredictionLog(const std::string &path) : path_(path)
{
    std::error_code ec;
    const auto size = std::filesystem::exists(path, ec) ? std::filesystem::file_size(path, ec) : 0;
    if (size > 0) {
        // Cut a torn last line so that the next record starts on a line of its own.
        std::ifstream in(path, std::ios::binary);
        char last = '\n';
        in.seekg(-1, std::ios::end);
        in.get(last);
        // Only a torn file is read whole, to find its last complete line.
        std::string content;
        if (last != '\n') {
            in.seekg(0);
            content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        if (!content.empty() && content.back() != '\n') {
            const std::size_t keep = content.rfind('\n') == std::string::npos ? 0 : content.rfind('\n') + 1;
            std::filesystem::resize_file(path, keep, ec);
            if (ec)
                throw FileError(path, "its cut-off last line could not be removed: " + ec.message() + ".");
        }
    }
    file_ = std::fopen(path.c_str(), "ab");
    if (!file_)
        throw FileError(path, std::string("cannot be opened for writing: ") + std::strerror(errno) + ".");
}

PredictionLog::~PredictionLog()
{
    if (file_)
        std::fclose(file_);
}

void PredictionLog::append(const std::vector<PredictionRecord> &records)
{
    std::string text;
    for (const PredictionRecord &r : records)
        text += dumpJson(r.toJson()) + "\n";
    appendToFile(::fileno(file_), path_, text);
}

std::vector<PredictionRecord> PredictionLog::read(const std::string &path, int *badLines)
{
    if (badLines)
        *badLines = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::vector<PredictionRecord> records;
    std::map<std::string, std::size_t> index;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        try {
            PredictionRecord r = PredictionRecord::fromJson(parseJson(line));
            const auto [it, inserted] = index.emplace(r.id, records.size());
            if (inserted)
                records.push_back(std::move(r));
            else
                records[it->second] = std::move(r);
        } catch (const JsonError &) {
            if (badLines)
                ++*badLines;
        }
    }
    return records;
}

} // namespace geolens
