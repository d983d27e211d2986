#pragma once

#include "common/Error.h"
#include "evaluation/EvaluationModel.h"

#include <functional>
#include <map>
#include <string>

namespace geolens::test {

// A model whose answers are known: answerFor maps (image width, question) to the answer, so a test
// can give each question of a benchmark the answer it needs and know every metric in advance.
class ScriptedEvaluationModel : public EvaluationModel {
public:
    using Script = std::function<std::string(const RgbImage &image, const std::string &question)>;

    explicit ScriptedEvaluationModel(Script script) : script_(std::move(script)) {}

    std::vector<ModelAnswer> answer(const std::vector<RgbImage> &images, const std::vector<std::string> &questions,
                                    const std::atomic<bool> *cancel) override
    {
        ++batches;
        if (cancelAfterBatches > 0 && batches > cancelAfterBatches)
            throw Canceled();
        std::vector<ModelAnswer> answers;
        for (std::size_t i = 0; i < images.size(); ++i) {
            ModelAnswer a;
            a.text = script_(images[i], questions[i]);
            a.promptTokens = 100;
            a.generatedTokens = 5;
            a.flops = 1e9;
            answers.push_back(a);
            ++answered;
        }
        (void)cancel;
        return answers;
    }
    std::uint64_t parameterCount() const override { return 1234; }
    std::string device() const override { return "scripted"; }
    std::string dtype() const override { return "none"; }

    int batches = 0;
    int answered = 0;
    int cancelAfterBatches = 0; // > 0: throw Canceled on the batch after this many
private:
    Script script_;
};

} // namespace geolens::test
