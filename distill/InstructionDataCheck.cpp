#include "distill/InstructionDataCheck.h"

#include <algorithm>
#include <exception>
#include <utility>

namespace geolens {

InstructionDataCheck InstructionDataCheck::run(const std::string &data, const std::string &images,
                                               const std::string &validation, double validationFraction,
                                               std::size_t samplesKept, const InstructionLoadOptions &options,
                                               const Tokenizer *tokenizer)
{
    InstructionDataCheck check;
    if (data.empty()) {
        check.problem = Problem::NoDataFile;
        return check;
    }
    if (images.empty()) {
        check.problem = Problem::NoImageFolder;
        return check;
    }
    try {
        InstructionDataset dataset = InstructionDataset::load(data, images, options);
        check.summary = dataset.report().summary();
        check.report = dataset.report();
        check.entries = dataset.entryCount();
        check.samples = dataset.sampleCount();
        if (dataset.empty()) {
            check.problem = Problem::NoUsableEntry;
            return check;
        }
        if (!validation.empty()) {
            const InstructionDataset held = InstructionDataset::load(validation, images, options);
            check.validationSummary = held.report().summary();
            check.validationReport = held.report();
            check.validationEntries = held.entryCount();
            check.validationSamples = held.sampleCount();
            if (held.empty()) {
                check.problem = Problem::NoUsableValidationEntry;
                return check;
            }
        }
        if (tokenizer)
            check.lengths = measureSampleLengths(dataset, *tokenizer);
        const std::size_t kept = std::min(samplesKept, dataset.sampleCount());
        for (std::size_t i = 0; i < kept; ++i)
            check.firstSamples.push_back(dataset.sample(i));
        if (validation.empty() && validationFraction > 0) {
            // Whether the split leaves data to train on (it throws when it does not); its sizes do
            // not depend on the seed. The dataset is not needed afterwards, so it is handed over
            // rather than copied.
            InstructionDataset::splitByFraction(std::move(dataset), validationFraction, 1);
        }
    } catch (const std::exception &e) {
        check.problem = Problem::LoadFailed;
        check.error = e.what();
        check.firstSamples.clear();
        check.lengths.clear();
    }
    return check;
}

} // namespace geolens
