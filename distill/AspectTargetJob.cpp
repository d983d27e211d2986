#include "distill/AspectTargetJob.h"

#include "common/Error.h"
#include "common/JsonIo.h"
#include "evaluation/ShardExchange.h"
#include "evaluation/ShardedRounds.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace geolens {

AspectTargetJob::AspectTargetJob(const TileSampleSource &source, AspectTeacher &teacher, std::string folder,
                                 AspectTargetSettings settings)
    : source_(source), teacher_(teacher), folder_(std::move(folder)), settings_(std::move(settings))
{
}

AspectTargetSummary AspectTargetJob::run(const JobProgress &progress)
{
    ShardExchange alone;
    return run(progress, alone);
}

namespace {

// One tile's outcome on the rank that judged it, and on its way to rank 0.
struct TileOutcome {
    bool skipped = false; // the tile holds no data
    TeacherJudgement judgement;
};

Json outcomeJson(const TileOutcome &o)
{
    return Json{{"skipped", o.skipped},
                {"classes", o.judgement.classProbabilities},
                {"aspects", o.judgement.aspectProbabilities}};
}

TileOutcome outcomeFromJson(const Json &j)
{
    TileOutcome o;
    o.skipped = j.at("skipped").get<bool>();
    o.judgement.classProbabilities = j.at("classes").get<std::vector<double>>();
    o.judgement.aspectProbabilities = j.at("aspects").get<std::vector<double>>();
    return o;
}

} // namespace

AspectTargetSummary AspectTargetJob::run(const JobProgress &progress, ShardExchange &ranks)
{
    if (settings_.classes.empty())
        throw InvalidArgument("The teacher pass needs a class list (--classes or --preset).");
    if (settings_.aspects.empty())
        throw InvalidArgument("The teacher pass needs at least one aspect question.");

    // Rank 0 opens the folder and says which tiles are left; the others wait for its word.
    std::optional<AspectTargetTable> table;
    AspectTargetSummary summary;
    std::vector<std::size_t> todo;
    runOnRoot(
        ranks,
        [&] {
            table.emplace(AspectTargetTable::openForWriting(folder_, settings_));
            for (std::size_t i = 0; i < source_.size(); ++i) {
                if (table->contains(source_.id(i)))
                    ++summary.resumed;
                else
                    todo.push_back(i);
            }
        },
        "the teacher's targets folder");
    if (ranks.distributed())
        todo = parseJson(ranks.broadcastFromRoot(dumpJson(Json(todo)), "aspect-targets/todo"), "the tiles left")
                   .get<std::vector<std::size_t>>();

    const auto total = static_cast<std::int64_t>(source_.size());
    progress.report(static_cast<std::int64_t>(summary.resumed), total, "aspects");
    std::map<std::size_t, TileOutcome> outcomes; // by position in todo
    std::map<std::size_t, TileSample> samples;    // the tiles this rank read, for rank 0's table
    ShardedRounds rounds(ranks, todo.size(), 2, "the teacher's targets");
    for (std::size_t round = 0; round < rounds.rounds(); ++round) {
        rounds.run(
            round,
            [&](const std::vector<std::size_t> &items) {
                for (std::size_t item : items) {
                    progress.throwIfCanceled();
                    const std::size_t i = todo[item];
                    TileSample sample = source_.read(i);
                    TileOutcome outcome;
                    outcome.skipped = !sample.image;
                    if (sample.image) {
                        if (!sample.truth.empty() && std::find(settings_.classes.begin(), settings_.classes.end(),
                                                               sample.truth) == settings_.classes.end())
                            throw InvalidArgument("The image " + source_.id(i) + " lies in the class folder '" +
                                                  sample.truth +
                                                  "', which is not in the class list; the class list must name "
                                                  "every folder.");
                        outcome.judgement = teacher_.judge(*sample.image, settings_.classes, settings_.aspects);
                        if (outcome.judgement.classProbabilities.size() != settings_.classes.size() ||
                            outcome.judgement.aspectProbabilities.size() != settings_.aspects.size())
                            throw InvalidArgument("The teacher answered for the wrong number of classes or aspects.");
                    }
                    outcomes[item] = std::move(outcome);
                    if (ranks.isRoot())
                        samples[item] = std::move(sample);
                }
            },
            [&](std::size_t item) { return outcomeJson(outcomes.at(item)); },
            [&](std::size_t item, const Json &j) { outcomes[item] = outcomeFromJson(j); });
        if (!ranks.isRoot()) {
            outcomes.clear();
            continue;
        }
        // The round's tiles in the source's order; another rank's tiles are read again here.
        for (std::size_t item : rounds.allItemsOf(round)) {
            const TileOutcome &outcome = outcomes.at(item);
            if (outcome.skipped) {
                ++summary.skipped;
                continue;
            }
            auto own = samples.find(item);
            TileSample sample = own != samples.end() ? std::move(own->second) : source_.read(todo[item]);
            if (!sample.image)
                throw Error("The tile " + source_.id(todo[item]) + " held data for the rank that judged it and "
                            "none when read again.");
            AspectTarget target;
            target.id = source_.id(todo[item]);
            target.truth = sample.truth;
            target.tileId = sample.tileId;
            target.footprint = std::move(sample.footprint);
            target.classProbabilities = outcome.judgement.classProbabilities;
            target.aspectProbabilities = outcome.judgement.aspectProbabilities;
            table->append(std::move(target), *sample.image);
            ++summary.judged;
            if (onTarget_)
                onTarget_(table->targets().back());
        }
        outcomes.clear();
        samples.clear();
        progress.report(static_cast<std::int64_t>(summary.resumed + rounds.doneAfter(round)), total, "aspects");
    }
    return summary;
}

} // namespace geolens
