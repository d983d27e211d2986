#include "distill/RolloutBatch.h"

#include "distill/DistillModel.h"
#include "distill/DistillationLosses.h"

#include <algorithm>
#include <limits>
#include <string>

namespace geolens::distill {

RolloutBatch RolloutBatch::draw(const DistillModel &student, const DistillModel &teacher, std::vector<RolloutPrompt> prompts,
                                const MiniLlmSettings &settings)
{
    torch::NoGradGuard noGrad;
    RolloutBatch batch;
    if (prompts.empty())
        return batch;
    std::vector<std::vector<int>> promptIds;
    std::vector<torch::Tensor> studentFeatures, teacherFeatures;
    std::int64_t shortestRoom = std::numeric_limits<std::int64_t>::max();
    for (RolloutPrompt &p : prompts) {
        Rollout rollout;
        rollout.sample = p.sample;
        rollout.studentPixels = p.studentPixels;
        // Kept for the alignment term of every optimisation pass over this batch.
        rollout.teacherFeatures = p.teacherFeatures;
        batch.rollouts_.push_back(std::move(rollout));
        studentFeatures.push_back(p.studentFeatures);
        teacherFeatures.push_back(p.teacherFeatures);
        promptIds.push_back(p.prompt);
        shortestRoom = std::min(shortestRoom, p.room);
    }
    std::vector<int> limits;
    for (const RolloutPrompt &p : prompts)
        limits.push_back(static_cast<int>(std::min<std::int64_t>(p.maxNewTokens, shortestRoom)));
    const int longest = *std::max_element(limits.begin(), limits.end());
    DecodingSession studentSession = student.startDecoding(studentFeatures, promptIds, longest);
    DecodingSession teacherSession = teacher.startDecoding(teacherFeatures, promptIds, longest);

    const std::size_t rows = prompts.size();
    // The draws of each rollout depend on its own seed only: a resumed run draws what the
    // uninterrupted one would have, whatever else shares the batch.
    std::vector<at::Generator> generators;
    for (const RolloutPrompt &p : prompts)
        generators.push_back(at::detail::createCPUGenerator(p.seed));
    std::vector<std::vector<float>> lq(rows), lp(rows), lmix(rows);
    std::vector<double> klSum(rows, 0.0);
    std::vector<bool> done(rows, false);
    std::vector<int> fed(rows, student.eos());
    for (int t = 0; t < longest; ++t) {
        // The distributions of the whole batch at once; only the draws go row by row, each with
        // its rollout's own generator.
        const auto q = studentSession.lastLogits.to(torch::kCPU);
        const auto p = teacherSession.lastLogits.to(torch::kCPU);
        const auto mixed = mixedLogProbs(q, p, settings.alpha, settings.temperature); // [B, V]
        const auto logQ = torch::log_softmax(q, -1);
        const auto logP = torch::log_softmax(p, -1);
        const auto kl = (logQ.exp() * (logQ - logP)).sum(-1); // [B]
        const auto logQAt = logQ.accessor<float, 2>();
        const auto logPAt = logP.accessor<float, 2>();
        const auto mixedAt = mixed.accessor<float, 2>();
        const auto klAt = kl.accessor<float, 1>();
        for (std::size_t i = 0; i < rows; ++i) {
            if (done[i])
                continue;
            const auto row = static_cast<std::int64_t>(i);
            const int token =
                static_cast<int>(sampleTokens(mixed.slice(0, row, row + 1), generators[i])[0].item<std::int64_t>());
            lq[i].push_back(logQAt[row][token]);
            lp[i].push_back(logPAt[row][token]);
            lmix[i].push_back(mixedAt[row][token]);
            klSum[i] += klAt[row];
            batch.rollouts_[i].tokens.push_back(token);
            fed[i] = token;
            done[i] = token == student.eos() || t + 1 >= limits[i];
        }
        if (std::all_of(done.begin(), done.end(), [](bool d) { return d; }))
            break;
        student.appendTokens(studentSession, fed);
        teacher.appendTokens(teacherSession, fed);
    }
    for (std::size_t i = 0; i < rows; ++i) {
        Rollout &rollout = batch.rollouts_[i];
        rollout.oldLogProbs = torch::tensor(lq[i]);
        rollout.teacherLogProbs = torch::tensor(lp[i]);
        rollout.mixLogProbs = torch::tensor(lmix[i]);
        rollout.reverseKl = klSum[i] / static_cast<double>(rollout.tokens.size());
    }
    batch.computeAdvantages(settings);
    return batch;
}

void RolloutBatch::computeAdvantages(const MiniLlmSettings &settings, const ProcessSum &sumAcrossProcesses)
{
    if (rollouts_.empty()) {
        if (settings.whitenAdvantages)
            whitenNothing(sumAcrossProcesses);
        return;
    }
    std::int64_t longest = 0;
    for (const Rollout &r : rollouts_)
        longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(r.tokens.size()));
    const std::int64_t rows = static_cast<std::int64_t>(rollouts_.size());
    auto pad = [&](torch::Tensor Rollout::*field) {
        auto out = torch::zeros({rows, longest}, torch::kFloat32);
        for (std::int64_t i = 0; i < rows; ++i) {
            const auto &v = rollouts_[static_cast<std::size_t>(i)].*field;
            out[i].slice(0, 0, v.size(0)).copy_(v);
        }
        return out;
    };
    auto mask = torch::zeros({rows, longest}, torch::kBool);
    for (std::int64_t i = 0; i < rows; ++i)
        mask[i].slice(0, 0, static_cast<std::int64_t>(rollouts_[static_cast<std::size_t>(i)].tokens.size())).fill_(true);
    const auto lq = pad(&Rollout::oldLogProbs);
    const auto weights = importanceWeights(lq, pad(&Rollout::mixLogProbs), mask);
    const auto rewards = tokenRewards(pad(&Rollout::teacherLogProbs), lq, mask, settings.rewardScale, settings.rewardClamp);
    ReturnOptions options;
    options.gamma = settings.gamma;
    options.lengthNormalise = settings.lengthNormalise;
    options.range = settings.returnRange == "from_current" ? ReturnRange::FromCurrent : ReturnRange::FutureOnly;
    auto advantages = lengthNormalisedReturns(rewards, mask, options);
    if (settings.whitenAdvantages)
        advantages = whiten(advantages, mask, true, true, sumAcrossProcesses);
    for (std::int64_t i = 0; i < rows; ++i) {
        Rollout &r = rollouts_[static_cast<std::size_t>(i)];
        const std::int64_t n = static_cast<std::int64_t>(r.tokens.size());
        r.weights = weights[i].slice(0, 0, n).clone();
        r.advantages = advantages[i].slice(0, 0, n).clone();
    }
}

double RolloutBatch::tokenCount() const
{
    double total = 0;
    for (const Rollout &r : rollouts_)
        total += static_cast<double>(r.tokens.size());
    return total;
}

void RolloutBatch::save(torch::serialize::OutputArchive &archive) const
{
    for (std::size_t i = 0; i < rollouts_.size(); ++i) {
        const Rollout &r = rollouts_[i];
        const std::string p = "rollout/" + std::to_string(i) + "/";
        std::vector<std::int64_t> ids(r.tokens.begin(), r.tokens.end());
        archive.write(p + "tokens", torch::tensor(ids, torch::kLong));
        archive.write(p + "old", r.oldLogProbs);
        archive.write(p + "teacher", r.teacherLogProbs);
        archive.write(p + "mix", r.mixLogProbs);
        archive.write(p + "weights", r.weights);
        archive.write(p + "advantages", r.advantages);
        archive.write(p + "meta", torch::tensor({static_cast<double>(r.sample), r.reverseKl}, torch::kDouble));
    }
}

RolloutBatch RolloutBatch::load(torch::serialize::InputArchive &archive, std::size_t count)
{
    RolloutBatch batch;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string p = "rollout/" + std::to_string(i) + "/";
        Rollout r;
        torch::Tensor ids, meta;
        archive.read(p + "tokens", ids);
        for (std::int64_t k = 0; k < ids.size(0); ++k)
            r.tokens.push_back(static_cast<int>(ids[k].item<std::int64_t>()));
        archive.read(p + "old", r.oldLogProbs);
        archive.read(p + "teacher", r.teacherLogProbs);
        archive.read(p + "mix", r.mixLogProbs);
        archive.read(p + "weights", r.weights);
        archive.read(p + "advantages", r.advantages);
        archive.read(p + "meta", meta);
        r.sample = static_cast<std::size_t>(meta[0].item<double>());
        r.reverseKl = meta[1].item<double>();
        batch.rollouts_.push_back(std::move(r));
    }
    return batch;
}

} // namespace geolens::distill
