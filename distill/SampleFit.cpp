#include "distill/SampleFit.h"

#include "distill/DistillConfig.h"
#include "model/ConversationPrompt.h"
#include "model/Tokenizer.h"

#include <algorithm>

namespace geolens {

namespace {

SampleLength lengthOf(const InstructionSample &s, const Tokenizer &tokenizer)
{
    std::vector<ChatTurn> history;
    for (const InstructionTurn &t : s.history)
        history.push_back({t.user, t.assistant});
    const std::vector<int> prompt = tokenizer.encodePrompt(llavaConversationPrompt(s.question, history));
    SampleLength length;
    // The image marker's id stands for the image's tokens, which are counted apart.
    length.promptTokens = static_cast<std::size_t>(
        std::count_if(prompt.begin(), prompt.end(), [](int id) { return id != Tokenizer::ImageToken; }));
    length.answerTokens = tokenizer.encode(s.answer).size() + 1; // the EOS the run appends
    return length;
}

} // namespace

std::vector<SampleLength> measureSampleLengths(const std::vector<InstructionSample> &samples, const Tokenizer &tokenizer)
{
    std::vector<SampleLength> lengths;
    lengths.reserve(samples.size());
    for (const InstructionSample &s : samples)
        lengths.push_back(lengthOf(s, tokenizer));
    return lengths;
}

std::vector<SampleLength> measureSampleLengths(const InstructionDataset &data, const Tokenizer &tokenizer)
{
    std::vector<SampleLength> lengths;
    lengths.reserve(data.sampleCount());
    for (std::size_t i = 0; i < data.sampleCount(); ++i)
        lengths.push_back(lengthOf(data.sample(i), tokenizer));
    return lengths;
}

std::int64_t SampleFit::fullLength(const SampleLength &s, int imageTokens)
{
    return static_cast<std::int64_t>(s.promptTokens) + imageTokens + static_cast<std::int64_t>(s.answerTokens);
}

std::int64_t SampleFit::minimumLength(const SampleLength &s, int imageTokens)
{
    return static_cast<std::int64_t>(s.promptTokens) + imageTokens + 1;
}

SampleFit SampleFit::of(const std::vector<SampleLength> &lengths, int maxLength, int imageTokens)
{
    SampleFit fit;
    fit.samples = lengths.size();
    fit.maxLength = maxLength;
    fit.imageTokens = imageTokens;
    for (const SampleLength &s : lengths) {
        const std::int64_t least = minimumLength(s, imageTokens);
        if (least <= maxLength) {
            ++fit.fitting;
            continue;
        }
        fit.lengthNeeded = std::max(fit.lengthNeeded, least);
        fit.longestWithAnswer = std::max(fit.longestWithAnswer, fullLength(s, imageTokens));
    }
    return fit;
}

SampleFit SampleFit::of(const DistillConfig &config, const std::vector<SampleLength> &lengths, int studentImageTokens)
{
    return of(lengths, config.run.maxLength, studentImageTokens);
}

std::string SampleFit::describe() const
{
    if (tooLong() == 0)
        return {};
    const std::string limit = "run.max_length " + std::to_string(maxLength);
    const std::string need = "the prompt, the image's " + std::to_string(imageTokens) +
                             " tokens and one answer token take up to " + std::to_string(lengthNeeded) +
                             " positions (" + std::to_string(longestWithAnswer) + " with the whole answer)";
    const std::string fix = "Raise run.max_length to at least " + std::to_string(lengthNeeded) +
                            " or lower run.image_size.";
    if (noneFit())
        return "None of the " + std::to_string(samples) + " training samples fits in " + limit + ": " + need +
               ". " + fix;
    return std::to_string(tooLong()) + " of " + std::to_string(samples) + " training samples do not fit in " + limit +
           " and are skipped: " + need + ". " + fix;
}

} // namespace geolens
