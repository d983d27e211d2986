// The processes of a data-parallel job: the launcher's environment, and c10d collectives between
// two real processes over loopback (this test program starts itself again as rank 1).

#include "LoopbackPort.h"
#include "common/Error.h"
#include "distributed/DistributedGroup.h"

#include <torch/torch.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QtTest>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>


using namespace geolens;

namespace {

const char *const WorkerVariable = "GEOLENS_TEST_RANK_WORKER";

LaunchEnvironment loopback(int rank, int world, int port)
{
    std::map<std::string, std::string> variables{{"RANK", std::to_string(rank)},
                                                 {"WORLD_SIZE", std::to_string(world)},
                                                 {"MASTER_ADDR", "127.0.0.1"},
                                                 {"MASTER_PORT", std::to_string(port)}};
    return LaunchEnvironment::fromVariables([&](const std::string &name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        if (found == variables.end())
            return std::nullopt;
        return found->second;
    });
}

// The tensors both ranks reduce: their sum is known, and the first is large enough for two buckets.
std::vector<at::Tensor> rankTensors(int rank)
{
    const double r = rank + 1;
    return {torch::full({7'000'000}, r, torch::kFloat32), torch::full({3, 5}, r, torch::kBFloat16),
            torch::arange(4, torch::kDouble) * r};
}

// Rank 1's side of each scenario; its exit status says whether it saw what rank 0 expects.
int runWorker(const std::string &scenario, int port)
{
    DistributedOptions options;
    options.timeout = std::chrono::seconds(scenario == "hang" ? 60 : 20);
    DistributedGroup group(loopback(1, 2, port), options);
    if (scenario == "die")
        std::_Exit(3);
    if (scenario == "hang") {
        std::this_thread::sleep_for(std::chrono::seconds(30));
        return 0;
    }
    std::vector<double> sums{1.0, 2.5};
    group.allReduceSum(sums, "test sums");
    std::vector<double> maxima{7.0, -1.0};
    group.allReduceMax(maxima, "test maxima");
    const bool any = group.anyRank(true, "test flag");
    const auto gathered = group.gatherToRoot("from rank 1", "test-gather");
    const std::string broadcast = group.broadcastFromRoot("ignored", "test-broadcast");
    auto tensors = rankTensors(1);
    group.allReduceTensors(tensors, "test tensors");
    group.barrier("the end of the test");
    const bool ok = sums == std::vector<double>{1.5, 4.5} && maxima == std::vector<double>{7.0, 3.0} && any &&
                    gathered.empty() && broadcast == "from rank 0" && tensors[0].eq(3.0).all().item<bool>() &&
                    tensors[1].to(torch::kFloat32).eq(3.0).all().item<bool>() &&
                    tensors[2].equal(torch::arange(4, torch::kDouble) * 3);
    return ok ? 0 : 1;
}

} // namespace

class TestDistributedGroup : public QObject {
    Q_OBJECT

private:
    QProcess *startWorker(const QString &scenario, int port)
    {
        auto *process = new QProcess(this);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QString::fromLatin1(WorkerVariable), scenario + QLatin1Char(':') + QString::number(port));
        process->setProcessEnvironment(environment);
        process->setProcessChannelMode(QProcess::ForwardedChannels);
        process->start(QCoreApplication::applicationFilePath(), {});
        return process;
    }

private slots:
    void environmentOfOneProcess()
    {
        const auto e = LaunchEnvironment::fromVariables([](const std::string &) { return std::nullopt; });
        QVERIFY(!e.distributed());
        QCOMPARE(e.rank, 0);
        QCOMPARE(e.worldSize, 1);
    }

    void environmentOfALauncher()
    {
        std::map<std::string, std::string> v{{"RANK", "3"},        {"WORLD_SIZE", "4"},   {"LOCAL_RANK", "1"},
                                             {"LOCAL_WORLD_SIZE", "2"}, {"MASTER_ADDR", "node7"}, {"MASTER_PORT", "29500"},
                                             {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                             {"TORCHELASTIC_RESTART_COUNT", "2"}};
        const auto lookup = [&](const std::string &name) -> std::optional<std::string> {
            const auto found = v.find(name);
            return found == v.end() ? std::nullopt : std::optional<std::string>(found->second);
        };
        const auto e = LaunchEnvironment::fromVariables(lookup);
        QVERIFY(e.distributed());
        QCOMPARE(e.rank, 3);
        QCOMPARE(e.localRank, 1);
        QCOMPARE(e.localWorldSize, 2);
        QCOMPARE(e.masterAddress, std::string("node7"));
        QCOMPARE(e.masterPort, 29500);
        QVERIFY(e.agentStore);
        QCOMPARE(e.restartCount, 2);

        const auto refuses = [&](const std::string &name, const std::string &value, const char *mention) {
            auto bad = v;
            if (value.empty())
                bad.erase(name);
            else
                bad[name] = value;
            try {
                LaunchEnvironment::fromVariables([&](const std::string &n) -> std::optional<std::string> {
                    const auto found = bad.find(n);
                    return found == bad.end() ? std::nullopt : std::optional<std::string>(found->second);
                });
            } catch (const InvalidArgument &error) {
                return std::string(error.what()).find(mention) != std::string::npos;
            }
            return false;
        };
        QVERIFY(refuses("RANK", "4", "RANK is 4 but WORLD_SIZE is 4"));
        QVERIFY(refuses("RANK", "", "RANK is not set"));
        QVERIFY(refuses("WORLD_SIZE", "two", "WORLD_SIZE"));
        QVERIFY(refuses("MASTER_PORT", "", "MASTER_PORT"));
        QVERIFY(refuses("MASTER_PORT", "70000", "MASTER_PORT"));
    }

    void devicesOfARank()
    {
        QCOMPARE(rankDeviceName("cpu", 3, 1), std::string("cpu"));
        QCOMPARE(rankDeviceName("cuda", 0, 1), std::string("cuda:0"));
        QCOMPARE(rankDeviceName("auto", 1, 1), std::string("auto"));
        QCOMPARE(devicesPerRank({"cpu", "cpu"}), 1);
        QCOMPARE(devicesPerRank({"auto", "cuda"}), 1);
        QCOMPARE(devicesPerRank({"cuda:0", "cuda:1"}), 2);
        QCOMPARE(devicesPerRank({"cuda:1", "cuda:1"}), 2); // both on the rank's second GPU
        QCOMPARE(rankDeviceName("cuda", 2, 1), std::string("cuda:2"));
        QCOMPARE(rankDeviceName("cuda:1", 1, 2), std::string("cuda:3")); // the teacher of rank 1's pair
        QCOMPARE(rankDeviceName("cuda:0", 1, 2), std::string("cuda:2"));
    }

    void aGroupOfOneIsTheIdentity()
    {
        DistributedGroup group;
        QVERIFY(!group.distributed());
        std::vector<double> values{1.0, 2.0};
        group.allReduceSum(values, "nothing");
        QCOMPARE(values, (std::vector<double>{1.0, 2.0}));
        QCOMPARE(group.gatherToRoot("x", "k"), std::vector<std::string>{"x"});
        QVERIFY(!group.anyRank(false, "nothing"));
        auto tensors = rankTensors(0);
        group.allReduceTensors(tensors, "nothing");
        QVERIFY(tensors[0].eq(1.0).all().item<bool>());
    }

    void twoRanksReduceGatherAndBroadcast()
    {
        const int port = test::freeLoopbackPort();
        QProcess *worker = startWorker(QStringLiteral("collectives"), port);
        DistributedOptions options;
        options.timeout = std::chrono::seconds(20);
        DistributedGroup group(loopback(0, 2, port), options);
        QVERIFY(group.isRoot());
        std::vector<double> sums{0.5, 2.0};
        group.allReduceSum(sums, "test sums");
        QCOMPARE(sums, (std::vector<double>{1.5, 4.5}));
        std::vector<double> maxima{1.0, 3.0};
        group.allReduceMax(maxima, "test maxima");
        QCOMPARE(maxima, (std::vector<double>{7.0, 3.0}));
        QVERIFY(group.anyRank(false, "test flag"));
        const auto gathered = group.gatherToRoot("from rank 0", "test-gather");
        QCOMPARE(gathered, (std::vector<std::string>{"from rank 0", "from rank 1"}));
        QCOMPARE(group.broadcastFromRoot("from rank 0", "test-broadcast"), std::string("from rank 0"));
        auto tensors = rankTensors(0);
        group.allReduceTensors(tensors, "test tensors");
        QVERIFY(tensors[0].eq(3.0).all().item<bool>());
        QCOMPARE(tensors[1].scalar_type(), torch::kBFloat16);
        QVERIFY(tensors[1].to(torch::kFloat32).eq(3.0).all().item<bool>());
        QVERIFY(tensors[2].equal(torch::arange(4, torch::kDouble) * 3));
        group.barrier("the end of the test");
        QVERIFY(worker->waitForFinished(30000));
        QCOMPARE(worker->exitCode(), 0);
    }

    void aRankThatDiesStopsTheOthersAtOnce()
    {
        const int port = test::freeLoopbackPort();
        QProcess *worker = startWorker(QStringLiteral("die"), port);
        DistributedOptions options;
        options.timeout = std::chrono::seconds(60);
        DistributedGroup group(loopback(0, 2, port), options);
        QVERIFY(worker->waitForFinished(30000));
        QElapsedTimer clock;
        clock.start();
        try {
            group.barrier("a test step");
            QFAIL("a collective with a dead rank returned");
        } catch (const Error &error) {
            const std::string text = error.what();
            QVERIFY2(text.find("lost contact") != std::string::npos, text.c_str());
            QVERIFY2(text.find("a test step") != std::string::npos, text.c_str());
            QVERIFY2(text.find("rank 0 of 2") != std::string::npos, text.c_str());
        }
        // Far below the 60 s timeout: the closed connection is seen as such.
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    }

    void aRankThatHangsIsGivenUpAfterTheTimeout()
    {
        const int port = test::freeLoopbackPort();
        QProcess *worker = startWorker(QStringLiteral("hang"), port);
        DistributedOptions options;
        options.timeout = std::chrono::seconds(3);
        DistributedGroup group(loopback(0, 2, port), options);
        QElapsedTimer clock;
        clock.start();
        QVERIFY_THROWS_EXCEPTION(Error, group.barrier("a test step"));
        QVERIFY2(clock.elapsed() >= 2500 && clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
        worker->kill();
        worker->waitForFinished(5000);
    }
};

int main(int argc, char **argv)
{
    if (const char *worker = std::getenv(WorkerVariable)) {
        const std::string spec = worker;
        const auto colon = spec.find(':');
        try {
            return runWorker(spec.substr(0, colon), std::atoi(spec.c_str() + colon + 1));
        } catch (const std::exception &e) {
            std::fprintf(stderr, "rank 1: %s\n", e.what());
            return 2;
        }
    }
    QCoreApplication app(argc, argv);
    TestDistributedGroup test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_distributed_group.moc"
