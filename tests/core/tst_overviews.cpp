#include "TestRasters.h"
#include "common/Error.h"
#include "raster/OverviewBuildJob.h"
#include "raster/RasterDataset.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace geolens;
using geolens::test::RasterSpec;
using geolens::test::writeRaster;

class OverviewsTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    std::string bigRaster(const char *name)
    {
        RasterSpec spec;
        spec.width = 3000;
        spec.height = 1000;
        spec.tiled = true;
        spec.value = [](int, int x, int y) { return (x / 10 + y / 10) % 200; };
        return writeRaster(dir_.filePath(name).toStdString(), spec);
    }

private slots:
    void factors()
    {
        QCOMPARE(OverviewBuildJob::factorsFor(256, 100), std::vector<int>{});
        QCOMPARE(OverviewBuildJob::factorsFor(300, 10), std::vector<int>{2});
        QCOMPARE(OverviewBuildJob::factorsFor(3000, 1000), (std::vector<int>{2, 4, 8, 16}));
        // 40000 px: the last overview, at 1/256, is 157 px.
        const std::vector<int> huge = OverviewBuildJob::factorsFor(40000, 40000);
        QCOMPARE(huge.back(), 256);
        QCOMPARE(huge.size(), std::size_t(8));
    }

    void buildsExternalOverviews()
    {
        const std::string file = bigRaster("big.tif");
        const QByteArray before = [&] {
            QFile f(QString::fromStdString(file));
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        std::int64_t last = 0;
        const JobProgress progress([&](std::int64_t done, std::int64_t total, const std::string &) {
            QVERIFY(done >= last && done <= total);
            last = done;
        });
        QCOMPARE(OverviewBuildJob(file).run(progress), (std::vector<int>{2, 4, 8, 16}));
        QCOMPARE(last, std::int64_t(1000));
        QVERIFY(QFile::exists(QString::fromStdString(file + ".ovr")));
        QFile f(QString::fromStdString(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before); // the raster itself is untouched
        const auto raster = RasterDataset::open(file);
        QCOMPARE(raster->metadata().overviews.size(), std::size_t(4));
        QCOMPARE(raster->metadata().overviews.back().width, 188);
        // A second run has nothing to do.
        QVERIFY(OverviewBuildJob(file).run(JobProgress()).empty());
    }

    void cancelRemovesPartialFile()
    {
        const std::string file = bigRaster("cancel.tif");
        JobProgress *self = nullptr;
        JobProgress progress([&self](std::int64_t done, std::int64_t, const std::string &) {
            if (done > 0)
                self->requestCancel();
        });
        self = &progress;
        QVERIFY_THROWS_EXCEPTION(Canceled, OverviewBuildJob(file).run(progress));
        QVERIFY(!QFile::exists(QString::fromStdString(file + ".ovr")));
        QVERIFY(RasterDataset::open(file)->metadata().overviews.empty());
    }

    void cliVerb()
    {
        const QString file = QString::fromStdString(bigRaster("cli.tif"));
        QProcess p;
        p.start(GEOLENS_CLI_PATH, {"overviews", file, "--resampling", "nearest"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(QFile::exists(file + ".ovr"));
        p.start(GEOLENS_CLI_PATH, {"overviews", file, "--resampling", "sideways"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        p.start(GEOLENS_CLI_PATH, {"overviews", dir_.filePath("nope.tif")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("nope.tif"));
    }
};

QTEST_GUILESS_MAIN(OverviewsTest)
#include "tst_overviews.moc"
