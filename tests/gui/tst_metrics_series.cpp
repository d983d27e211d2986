#include "MetricsLog.h"
#include "MetricsSeriesModel.h"
#include "distill/MetricsRecord.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace geolens;
using Kind = MetricsLog::RecordKind;
using Axis = MetricsSeriesModel::Axis;

namespace {

void writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
    QCOMPARE(file.write(data), data.size());
}

// A run on the CPU: its GPU memory is zero at every step.
const QByteArray CpuRun = R"({"step":1,"seconds":0.5,"loss":4,"ce":4,"grad_norm":2,"lr":0.001,"gpu_mem_gb":0,"rss_gb":3.5,"extra_b":7}
{"step":2,"seconds":1.0,"loss":3,"ce":3,"grad_norm":1.5,"lr":0.002,"gpu_mem_gb":0,"rss_gb":3.6,"extra_b":8,"extra_a":1}
{"step":2,"val_loss":3.25,"seconds":1.2}
)";

} // namespace

// The loss plot's series without the plot: order, axes, titles, default visibility, smoothing,
// CSV and compared runs.
class MetricsSeriesTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    std::unique_ptr<MetricsLog> logOf(const char *name, const QByteArray &content)
    {
        const QString path = dir_.filePath(QLatin1String(name));
        writeFile(path, content);
        auto log = std::make_unique<MetricsLog>();
        log->setPath(path);
        return log;
    }

private slots:
    void listsSeriesInTheirFixedOrder()
    {
        auto log = logOf("cpu.jsonl", CpuRun);
        MetricsSeriesModel model;
        QSignalSpy inserted(&model, &MetricsSeriesModel::seriesInserted);
        model.setMetricsLog(log.get());
        QCOMPARE(model.count(), 0); // nothing before sync()
        model.sync();
        // Known keys in the table's order, then the others in the order they appeared (the new
        // keys of one record alphabetically); step and seconds are no curves.
        QCOMPARE(model.seriesNames(), QStringList({"loss", "ce", "val_loss", "grad_norm", "lr", "gpu_mem_gb",
                                                   "rss_gb", "extra_b", "extra_a"}));
        QCOMPARE(inserted.count(), model.count());
        QCOMPARE(model.at(model.indexOf("val_loss")).kind, Kind::Evaluation);
        QCOMPARE(model.at(model.indexOf("loss")).kind, Kind::Step);
        QCOMPARE(model.indexOf("seconds"), -1);
        QCOMPARE(model.at(model.indexOf("loss")).colour, 0x1f77b4u);
        QVERIFY(model.at(model.indexOf("extra_a")).colour != model.at(model.indexOf("extra_b")).colour);

        // A second sync of the same log inserts nothing.
        model.sync();
        QCOMPARE(inserted.count(), model.count());
    }

    void givesEachSeriesAnAxisAndATitle()
    {
        QCOMPARE(MetricsSeriesModel::axisFor("loss"), Axis::Loss);
        QCOMPARE(MetricsSeriesModel::axisFor("lr"), Axis::LearningRate);
        QCOMPARE(MetricsSeriesModel::axisFor("tokens_per_s"), Axis::Throughput);
        QCOMPARE(MetricsSeriesModel::axisFor("rss_gb"), Axis::Memory);
        QCOMPARE(MetricsSeriesModel::axisFor("a_new_key"), Axis::Loss);
        QCOMPARE(MetricsSeriesModel::seriesTitle("loss"), QStringLiteral("Total loss"));
        QCOMPARE(MetricsSeriesModel::seriesTitle("ce"), QStringLiteral("Cross-entropy term"));
        // Every key the run writes has a title of its own, not its raw name.
        for (const char *key : {MetricsKey::Loss, MetricsKey::Align, MetricsKey::Policy, MetricsKey::Single,
                                MetricsKey::Pt, MetricsKey::Kd, MetricsKey::Ce, MetricsKey::ReverseKl,
                                MetricsKey::ValidationLoss, MetricsKey::ValidationReverseKl, MetricsKey::GradNorm,
                                MetricsKey::Lr, MetricsKey::TokensPerSecond, MetricsKey::StudentLength,
                                MetricsKey::GpuMemoryGb, MetricsKey::ResidentGb, MetricsKey::AlignGradientShare,
                                MetricsKey::RatioDeviation, MetricsKey::ClipFraction})
            QVERIFY2(MetricsSeriesModel::seriesTitle(key) != QLatin1String(key) &&
                         !MetricsSeriesModel::seriesTitle(key).contains(QLatin1Char('_')),
                     key);
        QCOMPARE(MetricsSeriesModel::seriesTitle("a_new_key"), QStringLiteral("a_new_key"));
    }

    void hidesAllZeroSeriesUntilTheUserShowsThem()
    {
        auto log = logOf("defaults.jsonl", CpuRun);
        MetricsSeriesModel model;
        model.setMetricsLog(log.get());
        model.sync();
        QVERIFY(model.isSeriesVisible("loss"));
        QVERIFY(!model.isSeriesVisible("grad_norm")); // only wanted when something looks wrong
        QVERIFY(!model.isSeriesVisible("extra_b"));   // unknown keys start hidden
        QVERIFY(model.isSeriesAllZero("gpu_mem_gb"));
        QVERIFY(!model.isSeriesVisible("gpu_mem_gb"));
        // Process memory is the only memory there is on the CPU, so it is shown.
        QVERIFY(model.isSeriesVisible("rss_gb"));
        QVERIFY(model.toolTip(model.at(model.indexOf("gpu_mem_gb"))).contains(QLatin1String("zero at every step")));

        QVERIFY(model.setSeriesVisible("gpu_mem_gb", true));
        QVERIFY(!model.setSeriesVisible("gpu_mem_gb", true)); // no change
        QVERIFY(!model.setSeriesVisible("no_such_series", true));
        model.sync();
        QVERIFY(model.isSeriesVisible("gpu_mem_gb")); // the user's choice outlasts the default

        // A later non-zero point ends the all-zero state of a series that follows its default.
        writeFile(log->path(), CpuRun + R"({"step":3,"loss":2,"gpu_mem_gb":1.5,"rss_gb":3.7}
)");
        log->refresh();
        MetricsSeriesModel fresh;
        fresh.setMetricsLog(log.get());
        fresh.sync();
        QVERIFY(!fresh.isSeriesAllZero("gpu_mem_gb"));
        QVERIFY(fresh.isSeriesVisible("gpu_mem_gb"));
        QVERIFY(!fresh.isSeriesVisible("rss_gb"));
    }

    void smoothsWithAnExponentialMovingAverage()
    {
        MetricsSeriesModel model;
        QCOMPARE(MetricsSeriesModel::exponentialMovingAverage({4, 0, 8}, 0.5), QVector<double>({4, 2, 5}));
        QVERIFY(model.setSmoothing(2.0));
        QCOMPARE(model.smoothing(), MetricsSeriesModel::MaxSmoothing);
        QVERIFY(!model.setSmoothing(5.0)); // clamped to the same
        QVERIFY(model.setSmoothing(-1.0));
        QCOMPARE(model.smoothing(), 0.0);
    }

    void writesTheRawDataAsCsv()
    {
        auto log = logOf("csv.jsonl", CpuRun);
        MetricsSeriesModel model;
        model.setMetricsLog(log.get());
        model.sync();
        const QStringList lines = model.csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral("step,loss,ce,val_loss,grad_norm,lr,gpu_mem_gb,rss_gb,extra_b,extra_a"));
        QCOMPARE(lines[1], QStringLiteral("1,4,4,,2,0.001,0,3.5,7,"));
        QCOMPARE(lines[2], QStringLiteral("2,3,3,3.25,1.5,0.002,0,3.6,8,1"));
    }

    void comparesOtherRuns()
    {
        auto log = logOf("this.jsonl", R"({"step":1,"loss":2}
)");
        auto other = logOf("other.jsonl", R"({"step":1,"loss":3,"kd":1}
)");
        MetricsSeriesModel model;
        model.setMetricsLog(log.get());
        QSignalSpy changed(&model, &MetricsSeriesModel::logsChanged);
        QSignalSpy removed(&model, &MetricsSeriesModel::comparisonRemoved);
        model.addComparisonRun(QStringLiteral("baseline"), other.get());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.comparisonRuns(), QStringList{QStringLiteral("baseline")});
        QCOMPARE(model.comparisonLog(QStringLiteral("baseline")), other.get());
        model.sync();
        // A series only the compared run has is listed too.
        QCOMPARE(model.seriesNames(), QStringList({"loss", "kd"}));
        QCOMPARE(MetricsSeriesModel::kindIn(other.get(), QStringLiteral("kd")), Kind::Step);

        // Replacing a label drops the old run first.
        model.addComparisonRun(QStringLiteral("baseline"), other.get());
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.comparisonRuns().size(), 1);

        // A destroyed log leaves the comparison.
        other.reset();
        QCOMPARE(removed.count(), 2);
        QCOMPARE(removed.last().first().toString(), QStringLiteral("baseline"));
        QVERIFY(model.comparisonRuns().isEmpty());

        // Following another log drops every series.
        QSignalSpy cleared(&model, &MetricsSeriesModel::seriesCleared);
        model.setMetricsLog(nullptr);
        QCOMPARE(cleared.count(), 1);
        QCOMPARE(model.count(), 0);
    }
};

QTEST_GUILESS_MAIN(MetricsSeriesTest)
#include "tst_metrics_series.moc"
