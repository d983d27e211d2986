#include "distill/AspectTargetJob.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>

namespace geolens {

AspectTargetJob::AspectTargetJob(const TileSampleSource &source, AspectTeacher &teacher, std::string folder,
                                 AspectTargetSettings settings)
    : source_(source), teacher_(teacher), folder_(std::move(folder)), settings_(std::move(settings))
{
}

AspectTargetSummary AspectTargetJob::run(const JobProgress &progress)
{
    if (settings_.classes.empty())
        throw InvalidArgument("The teacher pass needs a class list (--classes or --preset).");
    if (settings_.aspects.empty())
        throw InvalidArgument("The teacher pass needs at least one aspect question.");
    AspectTargetTable table = AspectTargetTable::openForWriting(folder_, settings_);
    AspectTargetSummary summary;
    const auto total = static_cast<std::int64_t>(source_.size());
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < source_.size(); ++i) {
        if (table.contains(source_.id(i)))
            ++summary.resumed;
        else
            todo.push_back(i);
    }
    progress.report(static_cast<std::int64_t>(summary.resumed), total, "aspects");
    for (std::size_t i : todo) {
        progress.throwIfCanceled();
        TileSample sample = source_.read(i);
        if (!sample.image) {
            ++summary.skipped;
        } else {
            if (!sample.truth.empty() &&
                std::find(settings_.classes.begin(), settings_.classes.end(), sample.truth) == settings_.classes.end())
                throw InvalidArgument("The image " + source_.id(i) + " lies in the class folder '" + sample.truth +
                                      "', which is not in the class list; the class list must name every folder.");
            const TeacherJudgement j = teacher_.judge(*sample.image, settings_.classes, settings_.aspects);
            if (j.classProbabilities.size() != settings_.classes.size() ||
                j.aspectProbabilities.size() != settings_.aspects.size())
                throw InvalidArgument("The teacher answered for the wrong number of classes or aspects.");
            AspectTarget target;
            target.id = source_.id(i);
            target.truth = sample.truth;
            target.tileId = sample.tileId;
            target.footprint = std::move(sample.footprint);
            target.classProbabilities = j.classProbabilities;
            target.aspectProbabilities = j.aspectProbabilities;
            table.append(std::move(target), *sample.image);
            ++summary.judged;
            if (onTarget_)
                onTarget_(table.targets().back());
        }
        progress.report(static_cast<std::int64_t>(summary.resumed + summary.judged + summary.skipped), total, "aspects");
    }
    return summary;
}

} // namespace geolens
