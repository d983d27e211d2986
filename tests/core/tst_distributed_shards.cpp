// The split of a job's items among the ranks of a data-parallel run, and the rounds in which the
// ranks answer their shares, here with ranks that are threads of one process.

#include "common/Error.h"
#include "evaluation/ShardedRounds.h"
#include "evaluation/WorkShard.h"
#include "ThreadExchange.h"

#include <QtTest>

#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace geolens;
using geolens::test::ThreadExchange;
using geolens::test::ThreadStore;

namespace {

// What each rank of a threaded run ended with.
struct RankOutcome {
    std::vector<int> results;           // rank 0: the job's results, in item order
    std::vector<std::size_t> done;      // progress after each round
    std::string error;                  // what it threw
    bool canceled = false;
};

// Squares count items in rounds of batch on world ranks; failAt(rank, item) makes a rank throw.
std::vector<RankOutcome> runThreaded(int world, std::size_t count, std::size_t batch,
                                     const std::function<void(int, std::size_t)> &failAt = {})
{
    ThreadStore store;
    std::vector<RankOutcome> outcomes(world);
    std::vector<std::thread> threads;
    for (int rank = 0; rank < world; ++rank)
        threads.emplace_back([&, rank] {
            RankOutcome &out = outcomes[rank];
            ThreadExchange ranks(store, rank, world);
            std::vector<int> results(count, -1);
            try {
                ShardedRounds rounds(ranks, count, batch, "the squares");
                for (std::size_t round = 0; round < rounds.rounds(); ++round) {
                    rounds.run(
                        round,
                        [&](const std::vector<std::size_t> &items) {
                            for (std::size_t i : items) {
                                if (failAt)
                                    failAt(rank, i);
                                results[i] = static_cast<int>(i * i);
                            }
                        },
                        [&](std::size_t i) { return Json(results[i]); },
                        [&](std::size_t i, const Json &j) { results[i] = j.get<int>(); });
                    out.done.push_back(rounds.doneAfter(round));
                }
                if (rank == 0)
                    out.results = results;
            } catch (const Canceled &e) {
                out.canceled = true;
                out.error = e.what();
            } catch (const std::exception &e) {
                out.error = e.what();
            }
        });
    for (std::thread &t : threads)
        t.join();
    return outcomes;
}

} // namespace

class DistributedShardsTest : public QObject {
    Q_OBJECT

private slots:
    void everyItemFallsToExactlyOneRank()
    {
        for (int world : {1, 2, 3, 8})
            for (std::size_t count : {0, 1, 2, 7, 8, 9, 100}) {
                std::multiset<std::size_t> seen;
                std::size_t smallest = count, largest = 0;
                for (int rank = 0; rank < world; ++rank) {
                    const WorkShard shard(rank, world);
                    const std::vector<std::size_t> mine = shard.indices(count);
                    QCOMPARE(mine.size(), shard.size(count));
                    for (std::size_t k = 0; k < mine.size(); ++k) {
                        QCOMPARE(shard.globalIndex(k), mine[k]);
                        if (k > 0)
                            QVERIFY(mine[k] > mine[k - 1]);
                    }
                    seen.insert(mine.begin(), mine.end());
                    smallest = std::min(smallest, mine.size());
                    largest = std::max(largest, mine.size());
                }
                QCOMPARE(seen.size(), count);
                for (std::size_t i = 0; i < count; ++i)
                    QCOMPARE(seen.count(i), std::size_t(1));
                QVERIFY(largest - smallest <= 1); // balanced
            }
        QCOMPARE(WorkShard(1, 3).indices(8), (std::vector<std::size_t>{1, 4, 7}));
        QCOMPARE(WorkShard().indices(3), (std::vector<std::size_t>{0, 1, 2}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, WorkShard(2, 2));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, WorkShard(0, 0));
    }

    void roundsOfOneProcessAreItsBatches()
    {
        ShardExchange alone;
        ShardedRounds rounds(alone, 10, 4, "items");
        QCOMPARE(rounds.rounds(), std::size_t(3));
        QCOMPARE(rounds.itemsOf(2), (std::vector<std::size_t>{8, 9}));
        QCOMPARE(rounds.allItemsOf(1), (std::vector<std::size_t>{4, 5, 6, 7}));
        QCOMPARE(rounds.doneAfter(1), std::size_t(8));
        // Without other ranks nothing is encoded: the results are the work's own.
        std::vector<std::size_t> worked;
        rounds.run(
            0, [&](const std::vector<std::size_t> &items) { worked = items; },
            [](std::size_t) -> Json { throw std::logic_error("encoded"); },
            [](std::size_t, const Json &) { throw std::logic_error("decoded"); });
        QCOMPARE(worked, (std::vector<std::size_t>{0, 1, 2, 3}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, ShardedRounds(alone, 3, 0, "items"));
    }

    void roundsOfRanksCoverContiguousRuns()
    {
        ThreadStore store;
        ThreadExchange rank1(store, 1, 3);
        ShardedRounds rounds(rank1, 10, 2, "items"); // rank 0: 0 3 6 9, rank 1: 1 4 7, rank 2: 2 5 8
        QCOMPARE(rounds.rounds(), std::size_t(2));
        QCOMPARE(rounds.itemsOf(0), (std::vector<std::size_t>{1, 4}));
        QCOMPARE(rounds.itemsOf(1), (std::vector<std::size_t>{7}));
        QCOMPARE(rounds.allItemsOf(0), (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(rounds.allItemsOf(1), (std::vector<std::size_t>{6, 7, 8, 9}));
        QCOMPARE(rounds.doneAfter(1), std::size_t(10));
    }

    void rankZeroGetsEveryResultInOrder()
    {
        for (int world : {1, 2, 3})
            for (std::size_t count : {0, 1, 5, 12}) {
                const std::vector<RankOutcome> outcomes = runThreaded(world, count, 2);
                for (const RankOutcome &o : outcomes)
                    QVERIFY2(o.error.empty(), o.error.c_str());
                QCOMPARE(outcomes[0].results.size(), count);
                for (std::size_t i = 0; i < count; ++i)
                    QCOMPARE(outcomes[0].results[i], static_cast<int>(i * i));
                if (count > 0)
                    QCOMPARE(outcomes[0].done.back(), count);
                for (int r = 1; r < world; ++r)
                    QCOMPARE(outcomes[r].done.size(), outcomes[0].done.size()); // in step
            }
    }

    void aFailureStopsEveryRankWithItsMessage()
    {
        const std::vector<RankOutcome> outcomes = runThreaded(3, 12, 2, [](int rank, std::size_t item) {
            if (rank == 2 && item == 8)
                throw FileError("tile-8.png", "cannot be read.");
        });
        QVERIFY2(outcomes[2].error.find("tile-8.png") != std::string::npos, outcomes[2].error.c_str());
        for (int r : {0, 1}) {
            const std::string &e = outcomes[r].error;
            QVERIFY2(e.find("rank 2: ") != std::string::npos && e.find("tile-8.png") != std::string::npos, e.c_str());
            QVERIFY2(e.find("round 2 of 2") != std::string::npos, e.c_str());
            QVERIFY(!outcomes[r].canceled);
            QCOMPARE(outcomes[r].done.size(), std::size_t(1)); // the first round went through
        }
    }

    void aCancelOnOneRankCancelsThemAll()
    {
        const std::vector<RankOutcome> outcomes = runThreaded(2, 8, 2, [](int rank, std::size_t item) {
            if (rank == 1 && item == 5)
                throw Canceled();
        });
        for (const RankOutcome &o : outcomes)
            QVERIFY2(o.canceled, o.error.c_str());
    }
};

QTEST_GUILESS_MAIN(DistributedShardsTest)
#include "tst_distributed_shards.moc"
