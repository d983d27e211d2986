#include "distill/DistillationLosses.h"

#include "common/Error.h"
#include "model/LlavaNetwork.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <string>
#include <vector>

namespace geolens::distill {

namespace {

std::string sizesText(c10::IntArrayRef sizes)
{
    std::string text = "[";
    for (size_t i = 0; i < sizes.size(); ++i) {
        if (i > 0)
            text += ", ";
        text += std::to_string(sizes[i]);
    }
    return text + "]";
}

std::string shapeText(const torch::Tensor &t)
{
    return t.defined() ? sizesText(t.sizes()) : "(none)";
}

void requireDefined(const torch::Tensor &t, const char *what)
{
    if (!t.defined())
        throw InvalidArgument(std::string("The ") + what + " are missing.");
}

void requireLogits(const torch::Tensor &logits, const char *what)
{
    requireDefined(logits, what);
    if (logits.dim() != 3 || !logits.is_floating_point())
        throw InvalidArgument(std::string("The ") + what + " must be floating-point [batch, tokens, vocabulary]; got " +
                              shapeText(logits) + ".");
}

void requireSameShape(const torch::Tensor &a, const char *aWhat, const torch::Tensor &b, const char *bWhat)
{
    requireDefined(a, aWhat);
    requireDefined(b, bWhat);
    if (a.sizes() != b.sizes())
        throw InvalidArgument(std::string("The ") + aWhat + " " + shapeText(a) + " and the " + bWhat + " " + shapeText(b) +
                              " must have the same shape.");
}

void requirePairedLogits(const torch::Tensor &student, const torch::Tensor &teacher)
{
    requireLogits(student, "student logits");
    requireLogits(teacher, "teacher logits");
    if (student.sizes() != teacher.sizes())
        throw InvalidArgument("The student logits " + shapeText(student) + " and the teacher logits " + shapeText(teacher) +
                              " must have the same shape: both models must see the same tokens and share one vocabulary.");
}

// The mask as bool with the shape of the values it selects, so that float masks from a collator and
// bool masks from a rollout mean the same thing.
torch::Tensor validMask(const torch::Tensor &mask, c10::IntArrayRef shape, const char *what)
{
    requireDefined(mask, "token mask");
    if (mask.sizes() != shape)
        throw InvalidArgument("The token mask " + shapeText(mask) + " does not match the " + what + " " +
                              sizesText(shape) + ".");
    return mask.scalar_type() == torch::kBool ? mask : mask != 0;
}

torch::Tensor validMaskForLogits(const torch::Tensor &mask, const torch::Tensor &logits)
{
    return validMask(mask, logits.sizes().slice(0, 2), "tokens of the logits");
}

// Token ids at padding may be anything (an ignore index, garbage); they are replaced by 0 before
// the gather so that they can neither fail it nor matter.
torch::Tensor safeTokens(const torch::Tensor &tokens, const torch::Tensor &valid, int64_t vocabulary, const char *what)
{
    requireDefined(tokens, what);
    if (tokens.sizes() != valid.sizes())
        throw InvalidArgument(std::string("The ") + what + " " + shapeText(tokens) + " do not match the logits' tokens " +
                              shapeText(valid) + ".");
    const auto ids = torch::where(valid, tokens.to(torch::kLong), 0);
    if (ids.numel() > 0) {
        const auto range = torch::stack({ids.min(), ids.max()}).cpu(); // one device sync, not two
        const auto lowest = range[0].item<int64_t>();
        const auto highest = range[1].item<int64_t>();
        if (lowest < 0 || highest >= vocabulary)
            throw InvalidArgument(std::string("The ") + what + " hold id " + std::to_string(lowest < 0 ? lowest : highest) +
                                  ", outside the vocabulary of " + std::to_string(vocabulary) + " tokens.");
    }
    return ids;
}

torch::Tensor logSoftmax32(const torch::Tensor &logits, double temperature = 1.0)
{
    auto z = logits.to(torch::kFloat32);
    if (temperature != 1.0)
        z = z / temperature;
    return torch::log_softmax(z, -1);
}

// The terms that compare the student's whole distribution with the teacher's, each as one autograd
// node. Written with autograd's ops, KL(q || p) kept the student's log-softmax, its exp, two isfinite
// masks, two where copies and their product alive for the backward pass: seven [B, T, V]
// temporaries for a [B, T] result, most of a distillation step at a 32000-token vocabulary. The
// gradients with respect to the student's logits z have closed forms:
//   KL(q || p):                 q * ((log q - log p) - KL)
//   sum_v p_v (c_v - log q_v):  q - p   (the forward KL, or the soft cross-entropy, c = 0)
// so each node keeps two [B, T, V] tensors for its backward pass and nothing else.
//
// Entries that either distribution rules out (-inf log-prob) contribute nothing to the value, as in
// the reference implementation (besides matching it, this keeps 0 * inf from turning the sum into
// NaN): nan_to_num turns their infinite or undefined difference into 0, and the probability that
// multiplies it is 0 or is ruled out by the other side. The gradient is the closed form's, which is
// the masked sum's whenever the distribution that weighs the sum (q for the reverse KL, p for the
// others) gives no mass to a token the other rules out, as with any finite logits.

torch::Tensor finiteOrZero(torch::Tensor difference)
{
    return difference.nan_to_num_(0.0, 0.0, 0.0);
}

torch::Tensor asInputType(const torch::Tensor &gradient, torch::autograd::AutogradContext *ctx)
{
    return gradient.to(static_cast<torch::ScalarType>(ctx->saved_data["type"].toInt()));
}

// KL(q || p) [B, T] with q = softmax(studentLogits) and p = exp(teacherLogProbs), a constant.
class ExactReverseKl : public torch::autograd::Function<ExactReverseKl> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &studentLogits,
                                 const torch::Tensor &teacherLogProbs)
    {
        auto logQ = torch::log_softmax(studentLogits.to(torch::kFloat32), -1);
        auto difference = finiteOrZero(logQ - teacherLogProbs);
        auto q = logQ.exp_();
        auto kl = (q * difference).sum(-1);
        ctx->save_for_backward({q, difference, kl});
        ctx->saved_data["type"] = static_cast<int64_t>(studentLogits.scalar_type());
        return kl;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::tensor_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        auto gradient = (saved[1] - saved[2].unsqueeze(-1)).mul_(saved[0]).mul_(gradOutputs[0].unsqueeze(-1));
        return {asInputType(gradient, ctx), torch::Tensor()};
    }
};

// sum_v p_v (log p_v - log q_v) (forward KL) or -sum_v p_v log q_v (soft cross-entropy), [B, T],
// with q = softmax(studentLogits) and p = exp(teacherLogProbs), a constant.
class TeacherWeightedTerm : public torch::autograd::Function<TeacherWeightedTerm> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &studentLogits,
                                 const torch::Tensor &teacherLogProbs, bool crossEntropy)
    {
        auto logQ = torch::log_softmax(studentLogits.to(torch::kFloat32), -1);
        auto difference = finiteOrZero(crossEntropy ? logQ.neg() : teacherLogProbs - logQ);
        auto p = teacherLogProbs.exp();
        auto value = difference.mul_(p).sum(-1);
        ctx->save_for_backward({logQ.exp_(), p});
        ctx->saved_data["type"] = static_cast<int64_t>(studentLogits.scalar_type());
        return value;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::tensor_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        auto gradient = (saved[0] - saved[1]).mul_(gradOutputs[0].unsqueeze(-1));
        return {asInputType(gradient, ctx), torch::Tensor(), torch::Tensor()};
    }
};

torch::Tensor perTokenCrossEntropy(const torch::Tensor &studentLogits, const torch::Tensor &targets,
                                   const torch::Tensor &valid)
{
    const auto ids = safeTokens(targets, valid, studentLogits.size(-1), "target ids");
    return -detail::logProbsAt(studentLogits, ids);
}

void requireFraction(double value, const char *what)
{
    if (!(value >= 0.0 && value <= 1.0))
        throw InvalidArgument(std::string("The ") + what + " must lie between 0 and 1; got " + std::to_string(value) + ".");
}

void requirePositive(double value, const char *what)
{
    if (!(value > 0.0))
        throw InvalidArgument(std::string("The ") + what + " must be positive; got " + std::to_string(value) + ".");
}

// A per-token input as float32 constants, with padding replaced by fill so that garbage there
// (even inf or NaN) cannot reach a sum or a gradient.
torch::Tensor constantValues(const torch::Tensor &values, const torch::Tensor &valid, double fill, const char *what)
{
    requireDefined(values, what);
    if (values.sizes() != valid.sizes())
        throw InvalidArgument(std::string("The ") + what + " " + shapeText(values) + " do not match the token mask " +
                              shapeText(valid) + ".");
    return torch::where(valid, values.detach().to(torch::kFloat32), fill);
}

} // namespace

torch::Tensor maskedMean(const torch::Tensor &values, const torch::Tensor &mask)
{
    requireDefined(values, "values");
    const auto valid = validMask(mask, values.sizes(), "values");
    // where, not a product with the mask: 0 * NaN at a padded position would still be NaN.
    const auto total = torch::where(valid, values.to(torch::kFloat32), 0).sum();
    const auto count = valid.sum().clamp_min(1).to(torch::kFloat32);
    return total / count;
}

torch::Tensor tokenLogProbs(const torch::Tensor &logits, const torch::Tensor &tokens, const torch::Tensor &mask)
{
    requireLogits(logits, "logits");
    const auto valid = validMaskForLogits(mask, logits);
    const auto ids = safeTokens(tokens, valid, logits.size(-1), "token ids");
    return torch::where(valid, detail::logProbsAt(logits, ids), 0);
}

TeacherLogProbs teacherLogProbs(const torch::Tensor &teacherLogits, double temperature)
{
    requireLogits(teacherLogits, "teacher logits");
    requirePositive(temperature, "distillation temperature");
    torch::NoGradGuard constant;
    return {logSoftmax32(teacherLogits.detach(), temperature)};
}

torch::Tensor reverseKlPerToken(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits)
{
    requirePairedLogits(studentLogits, teacherLogits);
    return reverseKlPerToken(studentLogits, teacherLogProbs(teacherLogits));
}

torch::Tensor reverseKlPerToken(const torch::Tensor &studentLogits, const TeacherLogProbs &teacher)
{
    requirePairedLogits(studentLogits, teacher.values);
    return ExactReverseKl::apply(studentLogits, teacher.values);
}

torch::Tensor singleStepLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                             const torch::Tensor &mask)
{
    requirePairedLogits(studentLogits, teacherLogits);
    return singleStepLoss(studentLogits, teacherLogProbs(teacherLogits), mask);
}

torch::Tensor singleStepLoss(const torch::Tensor &studentLogits, const TeacherLogProbs &teacher,
                             const torch::Tensor &mask)
{
    // The paper writes this term with the importance weight w_t; the reference implementation leaves
    // it unweighted, on purpose, and so do we: the term is exact at each visited prefix whoever drew
    // the prefix, and w only rescales which prefixes count.
    return maskedMean(reverseKlPerToken(studentLogits, teacher), validMaskForLogits(mask, studentLogits));
}

torch::Tensor crossEntropyLoss(const torch::Tensor &logits, const torch::Tensor &targets, const torch::Tensor &mask)
{
    requireLogits(logits, "logits");
    const auto valid = validMaskForLogits(mask, logits);
    return maskedMean(perTokenCrossEntropy(logits, targets, valid), valid);
}

namespace {

KdLossAndReverseKl hintonKd(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                            const torch::Tensor &targets, const torch::Tensor &mask, double temperature,
                            double lambda, bool withReverseKl)
{
    requirePairedLogits(studentLogits, teacherLogits);
    requirePositive(temperature, "distillation temperature");
    requireFraction(lambda, "distillation weight lambda");
    const auto valid = validMaskForLogits(mask, studentLogits);
    const auto z = studentLogits.to(torch::kFloat32);
    const auto hard = maskedMean(perTokenCrossEntropy(z, targets, valid), valid);
    const TeacherLogProbs teacher = teacherLogProbs(teacherLogits, temperature);
    const auto soft =
        maskedMean(TeacherWeightedTerm::apply(temperature == 1.0 ? z : z / temperature, teacher.values, false), valid);
    KdLossAndReverseKl result{(1.0 - lambda) * hard + lambda * temperature * temperature * soft, {}};
    if (withReverseKl) {
        torch::NoGradGuard metric;
        result.reverseKl = maskedMean(
            reverseKlPerToken(z.detach(), temperature == 1.0 ? teacher : teacherLogProbs(teacherLogits)), valid);
    }
    return result;
}

} // namespace

torch::Tensor hintonKdLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                           const torch::Tensor &targets, const torch::Tensor &mask, double temperature, double lambda)
{
    return hintonKd(studentLogits, teacherLogits, targets, mask, temperature, lambda, false).loss;
}

KdLossAndReverseKl hintonKdLossAndReverseKl(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                                            const torch::Tensor &targets, const torch::Tensor &mask,
                                            double temperature, double lambda)
{
    return hintonKd(studentLogits, teacherLogits, targets, mask, temperature, lambda, true);
}

torch::Tensor tokenReverseKlLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                                 const torch::Tensor &mask)
{
    // The same exact per-position KL as the single-step term; only the tokens differ: the dataset's
    // answers instead of the student's samples.
    return singleStepLoss(studentLogits, teacherLogits, mask);
}

torch::Tensor pretrainLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                           const torch::Tensor &targets, const torch::Tensor &mask, double kdRatio)
{
    requirePairedLogits(studentLogits, teacherLogits);
    requireFraction(kdRatio, "distillation ratio");
    const auto valid = validMaskForLogits(mask, studentLogits);
    const auto lm = maskedMean(perTokenCrossEntropy(studentLogits, targets, valid), valid);
    const auto distil =
        maskedMean(TeacherWeightedTerm::apply(studentLogits, teacherLogProbs(teacherLogits).values, true), valid);
    return (1.0 - kdRatio) * lm + kdRatio * distil;
}

torch::Tensor mixedLogProbs(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits, double alpha,
                            double temperature)
{
    requireSameShape(studentLogits, "student logits", teacherLogits, "teacher logits");
    requireFraction(alpha, "teacher mix alpha");
    requirePositive(temperature, "sampling temperature");
    const auto lq = logSoftmax32(studentLogits, temperature);
    const auto lp = logSoftmax32(teacherLogits, temperature);
    // The ends are exact copies: log(0) weights would put -inf into the sum for nothing.
    if (alpha == 0.0)
        return lq;
    if (alpha == 1.0)
        return lp;
    // log((1-a) e^lq + a e^lp), stable where either probability underflows.
    return torch::logaddexp(lq + std::log1p(-alpha), lp + std::log(alpha));
}

torch::Tensor sampleTokens(const torch::Tensor &logProbs, torch::Generator &generator)
{
    requireDefined(logProbs, "log-probabilities to sample from");
    if (logProbs.dim() != 2)
        throw InvalidArgument("Sampling needs log-probabilities [batch, vocabulary]; got " + shapeText(logProbs) + ".");
    // exp of log-probs that sum to 1 in log space; multinomial renormalises the float rounding.
    const auto probs = logProbs.detach().to(torch::kFloat32).exp();
    return torch::multinomial(probs, 1, /*replacement=*/false, generator).squeeze(-1);
}

torch::Tensor sampleTokens(const torch::Tensor &logProbs, std::uint64_t seed)
{
    requireDefined(logProbs, "log-probabilities to sample from");
    torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    return sampleTokens(logProbs.to(torch::kCPU), generator).to(logProbs.device());
}

torch::Tensor importanceWeights(const torch::Tensor &studentLogProbs, const torch::Tensor &mixLogProbs,
                                const torch::Tensor &mask)
{
    // Per token, as the reference implementation does: the full product over steps would be the
    // exact sequence-level correction but its variance explodes with the length.
    requireDefined(studentLogProbs, "student log-probs");
    const auto valid = validMask(mask, studentLogProbs.sizes(), "student log-probs");
    const auto lq = constantValues(studentLogProbs, valid, 0.0, "student log-probs");
    const auto lmix = constantValues(mixLogProbs, valid, 0.0, "mixed log-probs");
    return torch::where(valid, (lq - lmix).exp(), 0);
}

torch::Tensor tokenRewards(const torch::Tensor &teacherLogProbs, const torch::Tensor &studentLogProbs,
                           const torch::Tensor &mask, double scale, double clampAt)
{
    // The reference scales before it clips, so the clip bounds the scaled reward; fp32 because in
    // half precision the difference of two large log-probs loses the reward entirely.
    requirePositive(scale, "reward scale");
    requirePositive(clampAt, "reward clip");
    requireDefined(teacherLogProbs, "teacher log-probs");
    const auto valid = validMask(mask, teacherLogProbs.sizes(), "teacher log-probs");
    const auto lp = constantValues(teacherLogProbs, valid, 0.0, "teacher log-probs");
    const auto lq = constantValues(studentLogProbs, valid, 0.0, "student log-probs");
    const auto rewards = ((lp - lq) / scale).clamp(-clampAt, clampAt);
    return torch::where(valid, rewards, 0);
}

torch::Tensor lengthNormalisedReturns(const torch::Tensor &rewards, const torch::Tensor &mask,
                                      const ReturnOptions &options)
{
    // The reference implementation accumulates G_t = r_t + gamma G_{t+1}, so the return at t
    // includes t's own reward. In expectation, r_t's share of the policy gradient equals the gradient
    // of the exact KL at step t, i.e. the single-step term, which the reference adds as well: the
    // trained gradient counts that term twice, a deliberate extra weight on the local KL. FutureOnly
    // drops r_t and gives the paper's decomposition: with singleStepLoss, gamma 1 and no length
    // normalisation it is an unbiased estimate of the sequence-level reverse KL's gradient.
    //
    // N_t counts the valid tokens the return sums: from t to the end for FromCurrent (as the
    // reference), after t for FutureOnly. The reference replaces a zero count by 1 before dividing
    // (no NaN for a position after a sequence's last token), and so do we.
    if (!(options.gamma >= 0.0 && options.gamma <= 1.0))
        throw InvalidArgument("The discount gamma must lie between 0 and 1; got " + std::to_string(options.gamma) + ".");
    requireDefined(rewards, "rewards");
    if (rewards.dim() != 2)
        throw InvalidArgument("Returns need rewards [batch, tokens]; got " + shapeText(rewards) + ".");
    const auto valid = validMask(mask, rewards.sizes(), "rewards");
    const auto r = constantValues(rewards, valid, 0.0, "rewards");
    const int64_t length = r.size(1);

    std::vector<torch::Tensor> columns(static_cast<size_t>(length));
    auto later = torch::zeros({r.size(0)}, r.options()); // G_{t+1}
    for (int64_t t = length - 1; t >= 0; --t) {
        const auto current = r.select(1, t) + options.gamma * later;
        columns[static_cast<size_t>(t)] = options.range == ReturnRange::FromCurrent ? current : current - r.select(1, t);
        later = current;
    }
    auto returns = length > 0 ? torch::stack(columns, 1) : torch::zeros_like(r);

    if (options.lengthNormalise) {
        const auto validFloat = valid.to(torch::kFloat32);
        auto remaining = validFloat.flip({1}).cumsum(1).flip({1}); // valid tokens from t to the end
        // The future-only return sums the rewards after t, so it is averaged over those tokens.
        if (options.range == ReturnRange::FutureOnly)
            remaining = remaining - validFloat;
        returns = returns / remaining.clamp_min(1.0);
    }
    return torch::where(valid, returns, 0);
}

void whitenNothing(const ProcessSum &sumAcrossProcesses)
{
    if (!sumAcrossProcesses)
        return;
    std::vector<double> sums{0.0, 0.0};
    sumAcrossProcesses(sums);
    std::vector<double> squares{0.0};
    sumAcrossProcesses(squares);
}

torch::Tensor whiten(const torch::Tensor &values, const torch::Tensor &mask, bool shiftMean, bool unbiased,
                     const ProcessSum &sumAcrossProcesses)
{
    // The reference implementation whitens the whole [B, T] tensor, padding included: the padded
    // zeros pull the mean towards 0 and shrink the variance, so the advantages of the real tokens
    // depend on how much padding the batch carries. Here the statistics cover valid tokens only.
    // Like the reference (one process) the variance is unbiased by default; eps 1e-8 inside the
    // square root as there; a single valid token gives 0, not a division by zero.
    requireDefined(values, "values to whiten");
    const auto valid = validMask(mask, values.sizes(), "values to whiten");
    const auto x = constantValues(values, valid, 0.0, "values to whiten");
    torch::Tensor mean, centred, variance;
    if (sumAcrossProcesses) {
        // The statistics of every process's batch, summed in double precision.
        std::vector<double> sums{x.sum().item<double>(), valid.sum().item<double>()};
        sumAcrossProcesses(sums);
        mean = torch::tensor(sums[0] / std::max(sums[1], 1.0), torch::kFloat32);
        centred = torch::where(valid, x - mean, 0);
        std::vector<double> squares{centred.pow(2).sum().item<double>()};
        sumAcrossProcesses(squares);
        const double dof = std::max(unbiased ? sums[1] - 1.0 : sums[1], 1.0);
        variance = torch::tensor(squares[0] / dof, torch::kFloat32);
    } else {
        const auto count = valid.sum().to(torch::kFloat32);
        mean = x.sum() / count.clamp_min(1.0);
        centred = torch::where(valid, x - mean, 0);
        const auto dof = (unbiased ? count - 1.0 : count).clamp_min(1.0);
        variance = centred.pow(2).sum() / dof;
    }
    auto whitened = centred * torch::rsqrt(variance + 1e-8);
    if (!shiftMean)
        whitened = whitened + mean;
    return torch::where(valid, whitened, 0);
}

torch::Tensor clippedPolicyLoss(const torch::Tensor &newLogProbs, const torch::Tensor &oldLogProbs,
                                const torch::Tensor &weights, const torch::Tensor &advantages,
                                const torch::Tensor &mask, double clip)
{
    // As in the reference implementation the importance weight multiplies the ratio before the
    // clip, so a token the teacher's share of the mixture made likely cannot move the student by
    // more than the clip either. The pessimistic max is PPO's: the clip only ever removes incentive.
    if (!(clip >= 0.0))
        throw InvalidArgument("The policy clip range must not be negative; got " + std::to_string(clip) + ".");
    requireDefined(newLogProbs, "new log-probs");
    const auto valid = validMask(mask, newLogProbs.sizes(), "new log-probs");
    const auto old = constantValues(oldLogProbs, valid, 0.0, "old log-probs");
    const auto w = constantValues(weights, valid, 1.0, "importance weights");
    const auto a = constantValues(advantages, valid, 0.0, "advantages");
    const auto logRatio = torch::where(valid, newLogProbs.to(torch::kFloat32) - old, 0);
    const auto ratio = logRatio.exp() * w;
    const auto unclipped = -a * ratio;
    const auto clipped = -a * ratio.clamp(1.0 - clip, 1.0 + clip);
    return maskedMean(torch::maximum(unclipped, clipped), valid);
}

torch::Tensor featureAlignmentLoss(const torch::Tensor &studentFeatures, const torch::Tensor &teacherFeatures,
                                   const torch::Tensor &projection, AlignReduction reduction)
{
    requireDefined(studentFeatures, "student features");
    requireDefined(teacherFeatures, "teacher features");
    if (studentFeatures.dim() < 1 || studentFeatures.dim() != teacherFeatures.dim() ||
        studentFeatures.sizes().slice(0, studentFeatures.dim() - 1) != teacherFeatures.sizes().slice(0, teacherFeatures.dim() - 1))
        throw InvalidArgument("The student features " + shapeText(studentFeatures) + " and the teacher features " +
                              shapeText(teacherFeatures) + " must differ in their last (feature) dimension only.");
    const int64_t studentWidth = studentFeatures.size(-1);
    const int64_t teacherWidth = teacherFeatures.size(-1);
    auto mapped = studentFeatures.to(torch::kFloat32);
    if (projection.defined()) {
        if (projection.dim() != 2 || projection.size(0) != teacherWidth || projection.size(1) != studentWidth)
            throw InvalidArgument("The feature projection " + shapeText(projection) + " must be [" +
                                  std::to_string(teacherWidth) + ", " + std::to_string(studentWidth) +
                                  "] to map student features to the teacher's width.");
        mapped = torch::matmul(mapped, projection.to(torch::kFloat32).t());
    } else if (studentWidth != teacherWidth) {
        throw InvalidArgument("The student features are " + std::to_string(studentWidth) + " wide and the teacher's " +
                              std::to_string(teacherWidth) + ": feature alignment needs a projection between them.");
    }
    const auto squared = (mapped - teacherFeatures.detach().to(torch::kFloat32)).pow(2);
    if (reduction == AlignReduction::Mean || squared.dim() == 1)
        return reduction == AlignReduction::Mean ? squared.mean() : 0.5 * squared.sum();
    // Half the sum over each image's tokens and features, then the mean over the images.
    return 0.5 * squared.sum({-2, -1}).mean();
}

} // namespace geolens::distill
