#pragma once

#include "distill/InstructionDataset.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace geolens {

class Tokenizer;
struct DistillConfig;

// The positions one instruction sample takes in a run, apart from the image's tokens, which
// depend on the run's image size: its prompt's text tokens (the image marker left out) and its
// answer's tokens with the EOS the run appends.
struct SampleLength {
    std::size_t promptTokens = 0;
    std::size_t answerTokens = 0;
};

// The lengths of samples as the run tokenizes them: the llava_v1 prompt of the question after its
// history, and the answer.
std::vector<SampleLength> measureSampleLengths(const std::vector<InstructionSample> &samples, const Tokenizer &tokenizer);
std::vector<SampleLength> measureSampleLengths(const InstructionDataset &data, const Tokenizer &tokenizer);

// Which samples a run can train on within run.max_length. A sample fits when its prompt and its
// image leave room for at least one answer token (the run then cuts a longer answer to the room
// left, as DistillRun does); a sample that does not fit is skipped by the run.
struct SampleFit {
    std::size_t samples = 0;
    std::size_t fitting = 0;
    int maxLength = 0;
    int imageTokens = 0; // the student's, at the run's image size
    // Of the samples that do not fit: the largest max_length that any of them needs to fit at all
    // (prompt + image + one answer token), and the longest any of them takes with its whole answer.
    std::int64_t lengthNeeded = 0;
    std::int64_t longestWithAnswer = 0;

    std::size_t tooLong() const { return samples - fitting; }
    // There is data, and none of it can be trained on.
    bool noneFit() const { return samples > 0 && fitting == 0; }

    // The positions a sample takes with its whole answer, and at least (to fit at all).
    static std::int64_t fullLength(const SampleLength &s, int imageTokens);
    static std::int64_t minimumLength(const SampleLength &s, int imageTokens);

    static SampleFit of(const std::vector<SampleLength> &lengths, int maxLength, int imageTokens);
    // For a configuration and its training samples: run.max_length against the prompt, the
    // student's image tokens at the run's image size (studentImageTokens) and the answer.
    static SampleFit of(const DistillConfig &config, const std::vector<SampleLength> &lengths, int studentImageTokens);

    // "N of M samples do not fit in max_length L ...", with the length needed and the fix; for a
    // log or an error. Empty when every sample fits.
    std::string describe() const;
};

} // namespace geolens
