// The GPU list of the distillation wizard: nvidia-smi's CSV parsed line by line, and the query run
// as a process that may be missing, fail or list GPUs (a fake nvidia-smi stands in for the real one).

#include "GpuInventory.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace geolens;

namespace {

// Writes an executable shell script.
QString writeScript(const QTemporaryDir &dir, const QString &name, const QByteArray &body)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write("#!/bin/sh\n" + body);
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

// Runs a query and waits for its answer.
void query(GpuInventory &inventory)
{
    QSignalSpy finished(&inventory, &GpuInventory::finished);
    inventory.refresh();
    QVERIFY(inventory.isQuerying());
    QVERIFY(!inventory.isReady());
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.count(), 1);
    QVERIFY(inventory.isReady());
    QVERIFY(!inventory.isQuerying());
}

} // namespace

class GpuInventoryTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

private slots:
    void parsesNvidiaSmiCsv()
    {
        int skipped = -1;
        const QList<GpuInfo> gpus = GpuInventory::parse(QStringLiteral("0, NVIDIA H200, 143771, 123392\n"
                                                                       "1, NVIDIA A100-SXM4-80GB, 81920, 81000\n"),
                                                        &skipped);
        QCOMPARE(skipped, 0);
        QCOMPARE(gpus.size(), 2);
        QCOMPARE(gpus[0].index, 0);
        QCOMPARE(gpus[0].name, QStringLiteral("NVIDIA H200"));
        QCOMPARE(gpus[0].totalMiB, 143771.0);
        QCOMPARE(gpus[0].freeMiB, 123392.0);
        QCOMPARE(gpus[1].index, 1);
        QCOMPARE(gpus[1].name, QStringLiteral("NVIDIA A100-SXM4-80GB"));
        QCOMPARE(gpus[0].device(), QStringLiteral("cuda:0"));
        QCOMPARE(gpus[0].displayText(), QStringLiteral("cuda:0 — NVIDIA H200, 120.5 GiB free of 140.4 GiB"));
    }

    void parsesEmptyText()
    {
        int skipped = -1;
        QVERIFY(GpuInventory::parse(QString(), &skipped).isEmpty());
        QCOMPARE(skipped, 0);
        QVERIFY(GpuInventory::parse(QStringLiteral("\n  \n"), &skipped).isEmpty());
        QCOMPARE(skipped, 0);
    }

    void skipsMalformedLines()
    {
        int skipped = -1;
        const QList<GpuInfo> gpus = GpuInventory::parse(
            QStringLiteral("No devices were found\n"               // a message, not a row
                           "x, NVIDIA H200, 143771, 123392\n"      // no index
                           "2, NVIDIA H200, lots, 123392\n"        // memory not a number
                           "3, NVIDIA H200, 143771\n"              // a field missing
                           "4, , 143771, 1000\n"                   // no name
                           "5, NVIDIA T4, 15360, -3\n"             // negative memory
                           "6, NVIDIA GH200, [N/A], [N/A]\r\n"     // memory unknown: listed
                           "7, NVIDIA L4, 23034, 22000\n"),
            &skipped);
        QCOMPARE(skipped, 6);
        QCOMPARE(gpus.size(), 2);
        QCOMPARE(gpus[0].index, 6);
        QCOMPARE(gpus[0].name, QStringLiteral("NVIDIA GH200"));
        QCOMPARE(gpus[0].freeMiB, -1.0);
        QCOMPARE(gpus[0].displayText(), QStringLiteral("cuda:6 — NVIDIA GH200"));
        QCOMPARE(gpus[1].index, 7);
        QCOMPARE(gpus[1].freeMiB, 22000.0);
    }

    void listsTheGpusAFakeNvidiaSmiReports()
    {
        QVERIFY(dir_.isValid());
        // It answers only to the query the inventory makes, as the real one would to another.
        const QString script = writeScript(
            dir_, QStringLiteral("nvidia-smi"),
            "case \"$*\" in\n"
            "  *--query-gpu=index,name,memory.total,memory.free*--format=csv,noheader,nounits*)\n"
            "    echo '0, NVIDIA H200, 143771, 123392'\n"
            "    echo '1, NVIDIA H200, 143771, 512'\n"
            "    exit 0;;\n"
            "esac\n"
            "echo \"unexpected arguments: $*\" >&2\n"
            "exit 3\n");
        GpuInventory inventory;
        QCOMPARE(inventory.program(), QStringLiteral("nvidia-smi"));
        inventory.setProgram(script);
        query(inventory);
        QVERIFY2(inventory.errorString().isEmpty(), qPrintable(inventory.errorString()));
        QCOMPARE(inventory.gpus().size(), 2);
        QCOMPARE(inventory.gpus()[1].freeMiB, 512.0);
        QCOMPARE(inventory.find(QStringLiteral("cuda:1"))->freeMiB, 512.0);
        QCOMPARE(inventory.find(QStringLiteral("auto"))->index, 0);
        QCOMPARE(inventory.find(QStringLiteral("cuda"))->index, 0);
        QVERIFY(!inventory.find(QStringLiteral("cuda:2")));
        QVERIFY(!inventory.find(QStringLiteral("cpu")));

        // Asked again while it answers: only the last query counts.
        QSignalSpy finished(&inventory, &GpuInventory::finished);
        inventory.refresh();
        inventory.refresh();
        QVERIFY(finished.wait(10000));
        QTest::qWait(200);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(inventory.gpus().size(), 2);
    }

    void aFailingNvidiaSmiMeansNoGpu()
    {
        const QString script = writeScript(
            dir_, QStringLiteral("broken-nvidia-smi"),
            "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\n"
            "exit 9\n");
        GpuInventory inventory;
        inventory.setProgram(script);
        query(inventory);
        QVERIFY(inventory.gpus().isEmpty());
        QVERIFY2(inventory.errorString().contains(QLatin1String("could not communicate")),
                 qPrintable(inventory.errorString()));
        QVERIFY(inventory.errorString().contains(QLatin1String("9")));
        QVERIFY(!inventory.find(QStringLiteral("auto")));
    }

    void aMissingNvidiaSmiMeansNoGpu()
    {
        GpuInventory inventory;
        inventory.setProgram(QStringLiteral("geolens-no-such-nvidia-smi"));
        query(inventory);
        QVERIFY(inventory.gpus().isEmpty());
        QCOMPARE(inventory.errorString(), QStringLiteral("geolens-no-such-nvidia-smi not found"));
    }

    void aHangingNvidiaSmiIsGivenUpOn()
    {
        const QString script = writeScript(dir_, QStringLiteral("hanging-nvidia-smi"), "exec sleep 30\n");
        GpuInventory inventory;
        inventory.setProgram(script);
        inventory.setTimeout(300);
        QElapsedTimer clock;
        clock.start();
        query(inventory);
        QVERIFY(clock.elapsed() < 5000);
        QVERIFY(inventory.gpus().isEmpty());
        QVERIFY2(inventory.errorString().contains(QLatin1String("did not answer")), qPrintable(inventory.errorString()));
    }

    void aScriptListingNothingMeansNoGpu()
    {
        const QString script = writeScript(dir_, QStringLiteral("empty-nvidia-smi"), "exit 0\n");
        GpuInventory inventory;
        inventory.setProgram(script);
        query(inventory);
        QVERIFY(inventory.gpus().isEmpty());
        QVERIFY2(inventory.errorString().contains(QLatin1String("lists no GPU")), qPrintable(inventory.errorString()));
    }
};

QTEST_GUILESS_MAIN(GpuInventoryTest)
#include "tst_gpu_inventory.moc"
