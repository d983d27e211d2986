#pragma once

#include "distill/InstructionDataset.h"
#include "distill/SampleFit.h"

#include <cstddef>
#include <string>
#include <vector>

namespace geolens {

class Tokenizer;

// Loads a run's instruction data as the run will, before the run is started, and says whether a
// run could train on it: the training file (and the validation file, when one is given) must
// hold a usable entry, and a validation share must leave entries to train on. The first samples
// are kept, so that a user can see what the student will learn from.
struct InstructionDataCheck {
    // Why the data cannot be used; the text that goes with it is the caller's to word.
    enum class Problem {
        None,
        NoDataFile,      // no instruction file was given
        NoImageFolder,   // no image folder was given
        NoUsableEntry,   // the training file loaded, but every entry was skipped
        NoUsableValidationEntry, // the validation file loaded, but every entry was skipped
        LoadFailed,      // loading or splitting threw: error holds the message
    };

    Problem problem = Problem::None;
    std::string error;             // the loader's message, for LoadFailed
    std::string summary;           // the training file's load report, once it loaded
    std::string validationSummary; // the validation file's load report, once it loaded
    // The same reports as numbers, for a caller that words them in its own language.
    InstructionLoadReport report;
    InstructionLoadReport validationReport;
    std::size_t entries = 0;       // usable entries and samples of the training file
    std::size_t samples = 0;
    std::size_t validationEntries = 0; // of the validation file; 0 when none is given
    std::size_t validationSamples = 0;
    std::vector<InstructionSample> firstSamples; // the training file's first samples, in order
    // The training file's samples' lengths, when a tokenizer was given: SampleFit::of tells with
    // them which samples fit in a run's max_length at its image size.
    std::vector<SampleLength> lengths;

    bool ok() const { return problem == Problem::None; }

    // data: the instruction JSON; images: the folder its image paths are relative to; validation:
    // an optional instruction JSON used for validation (empty: none); validationFraction: the
    // share held out when there is no validation file. Keeps up to samplesKept first samples.
    // With tokenizer (the student's), measures every training sample as the run tokenizes it.
    // Never throws: a failure is reported as LoadFailed with the loader's message.
    static InstructionDataCheck run(const std::string &data, const std::string &images, const std::string &validation,
                                    double validationFraction, std::size_t samplesKept,
                                    const InstructionLoadOptions &options = {}, const Tokenizer *tokenizer = nullptr);
};

} // namespace geolens
