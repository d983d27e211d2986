// How a run on several GPUs is started: the torchrun command the wizard shows and the monitor runs,
// the GPUs each rank takes, the command as a shell reads it back, and RUN_DIR/launch.json, which
// makes Resume start a run as it was started.

#include "DistributedLaunch.h"
#include "RunLaunchRecord.h"
#include "common/Error.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace geolens;

namespace {

void writeText(const QString &path, const QByteArray &text)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
}

} // namespace

class DistributedLaunchTest : public QObject {
    Q_OBJECT

private slots:
    void oneProcessIsTheCliAlone()
    {
        const QStringList args{"--config", "/runs/a/run.json", "--out", "/runs/a"};
        QCOMPARE(distributedLaunchCommand("/usr/bin/torchrun", 1, "/opt/geolens-cli", args),
                 (QStringList{"/opt/geolens-cli", "distill", "--config", "/runs/a/run.json", "--out", "/runs/a"}));
    }

    void severalProcessesRunUnderTorchrun()
    {
        const QStringList args{"--out", "/runs/a", "--resume"};
        QCOMPARE(distributedLaunchCommand("/usr/bin/torchrun", 2, "/opt/geolens-cli", args),
                 (QStringList{"/usr/bin/torchrun", "--no-python", "--standalone", "--nproc-per-node", "2",
                              "/opt/geolens-cli", "distill", "--out", "/runs/a", "--resume"}));
        QCOMPARE(distributedLaunchCommand("torchrun", 8, "geolens-cli", {}).mid(3, 2),
                 (QStringList{"--nproc-per-node", "8"}));
    }

    void eachRankTakesAsManyGpusAsTheDevicesName()
    {
        QCOMPARE(gpusPerProcess("cuda:0", "cuda:0"), 1);
        QCOMPARE(gpusPerProcess("auto", "cuda"), 1);
        QCOMPARE(gpusPerProcess("cuda:1", "cuda:0"), 2);
        QCOMPARE(gpusPerProcess("cpu", "cuda:2"), 3);
        QCOMPARE(gpusPerProcess("cpu", "cpu"), 1);
        QCOMPARE(gpusPerProcess("tpu", " cuda:1 "), 2);

        QCOMPARE(rankDevice("cuda:0", 0, 1), QStringLiteral("cuda:0"));
        QCOMPARE(rankDevice("cuda:0", 3, 1), QStringLiteral("cuda:3"));
        QCOMPARE(rankDevice("cuda:1", 2, 2), QStringLiteral("cuda:5"));
        QCOMPARE(rankDevice("auto", 1, 2), QStringLiteral("cuda:2"));
        QCOMPARE(rankDevice("cpu", 3, 2), QStringLiteral("cpu"));
    }

    void theShownCommandReadsBackThroughTheShell()
    {
        const QStringList command{"/opt/geo lens/geolens-cli", "distill", "--out", "/runs/it's here", "--set",
                                  "a=1;b=$HOME", "plain-arg_1.json", ""};
        const QString line = shellCommandLine(command);
        QVERIFY2(line.startsWith("'/opt/geo lens/geolens-cli' distill --out "), qPrintable(line));
        QVERIFY2(line.contains(" plain-arg_1.json "), qPrintable(line));
        // Read back by sh itself: each word of the line in brackets.
        QProcess echo;
        echo.start("/bin/sh", {"-c", "set -- " + line + "; for a in \"$@\"; do printf '[%s]' \"$a\"; done"});
        QVERIFY(echo.waitForFinished(10000));
        QString expected;
        for (const QString &argument : command)
            expected += "[" + argument + "]";
        QCOMPARE(QString::fromUtf8(echo.readAllStandardOutput()), expected);
    }

    void theLaunchRecordRoundTrips()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // A folder without the file was started as one process.
        QCOMPARE(RunLaunchRecord::read(dir.path()).processes, 1);
        RunLaunchRecord record;
        record.processes = 4;
        record.write(dir.path());
        QCOMPARE(RunLaunchRecord::read(dir.path()), record);
        QFile file(RunLaunchRecord::filePath(dir.path()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("\"launcher\": \"torchrun\""));
        file.close();
        // Nothing but the record is left in the folder: the temporary file was renamed into place.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"launch.json"});
        record.processes = 1;
        record.write(dir.path());
        QCOMPARE(RunLaunchRecord::read(dir.path()).processes, 1);
        record.processes = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, record.write(dir.path()));
    }

    void aBrokenLaunchRecordSaysWhy()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = RunLaunchRecord::filePath(dir.path());
        const QList<QPair<QByteArray, QByteArray>> cases{{"{\"processes\": ", "launch.json"},
                                                         {"{\"launcher\": \"torchrun\"}", "no \"processes\""},
                                                         {"{\"processes\": 0}", "at least 1, not 0"},
                                                         {"{\"processes\": 2.5}", "not 2.5"},
                                                         {"[2]", "no \"processes\""}};
        for (const auto &[text, expected] : cases) {
            writeText(path, text);
            try {
                RunLaunchRecord::read(dir.path());
                QFAIL(text.constData());
            } catch (const FileError &e) {
                QVERIFY2(QByteArray(e.what()).contains(expected), e.what());
                QCOMPARE(QString::fromStdString(e.path()), path);
            }
        }
    }
};

QTEST_GUILESS_MAIN(DistributedLaunchTest)
#include "tst_distributed_launch.moc"
