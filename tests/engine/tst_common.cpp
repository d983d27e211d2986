#include "common/AtomicFile.h"
#include "common/MappedFile.h"
#include "common/Error.h"
#include "common/FreedMemory.h"
#include "common/JobProgress.h"
#include "common/LruCache.h"
#include "common/ThreadSpinning.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <sys/stat.h>

using namespace geolens;

class CommonTest : public QObject {
    Q_OBJECT

private slots:
    // A block freed stays with the process for the next piece of work, instead of going back to the
    // kernel (to be page-faulted in again).
    void freedMemoryStaysWithTheProcess()
    {
#if defined(__GLIBC__)
        QVERIFY(geolens::keepFreedMemory());
        const auto freeInHeap = [] { return mallinfo2().fordblks; };
        const std::size_t before = freeInHeap();
        constexpr std::size_t Block = 16 * 1024 * 1024;
        void *block = std::malloc(Block);
        QVERIFY(block);
        static_cast<volatile char *>(block)[Block - 1] = 1;
        std::free(block);
        QVERIFY2(freeInHeap() >= before + Block / 2, "the freed block left the heap");
#else
        QSKIP("the C library's allocator has no thresholds to set");
#endif
    }

    // The OpenMP spin limit is set once, and never over the user's own setting.
    void threadSpinningIsLimitedUnlessTheUserChose()
    {
        qunsetenv("GOMP_SPINCOUNT");
        qunsetenv("OMP_WAIT_POLICY");
        QVERIFY(limitThreadSpinning());
        QCOMPARE(qgetenv("GOMP_SPINCOUNT"), QByteArray("20000"));
        QVERIFY(!limitThreadSpinning()); // already set: a restarted program does not restart again
        qunsetenv("GOMP_SPINCOUNT");
        qputenv("OMP_WAIT_POLICY", "ACTIVE");
        QVERIFY(!limitThreadSpinning());
        QVERIFY(qgetenv("GOMP_SPINCOUNT").isEmpty());
        qunsetenv("OMP_WAIT_POLICY");
    }

    void lruEvictsLeastRecentlyUsedWithinBudget()
    {
        LruCache<int, std::string> cache(100);
        cache.insert(1, "a", 40);
        cache.insert(2, "b", 40);
        QVERIFY(cache.find(1)); // 1 is now the most recent
        cache.insert(3, "c", 40);
        QCOMPARE(cache.totalCost(), std::size_t(80));
        QVERIFY(cache.contains(1));
        QVERIFY(!cache.contains(2));
        QVERIFY(cache.contains(3));
        cache.insert(4, "too big", 101);
        QVERIFY(!cache.contains(4));
        cache.insert(1, "a2", 10); // replacing updates the cost
        QCOMPARE(cache.totalCost(), std::size_t(50));
        QCOMPARE(*cache.find(1), std::string("a2"));
        cache.setMaxCost(20);
        QVERIFY(cache.totalCost() <= 20);
        QCOMPARE(cache.size(), std::size_t(1));
        cache.clear();
        QCOMPARE(cache.totalCost(), std::size_t(0));
    }

    void atomicFileCommitsOrLeavesNothing()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("out.txt").toStdString();
        {
            AtomicFile file(path);
            file.write(std::string("partial"));
            QVERIFY(QFile::exists(QString::fromStdString(file.temporaryPath())));
            QVERIFY(!QFile::exists(QString::fromStdString(path)));
            // destroyed without commit: the temporary is removed, nothing appears
        }
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 0);

        writeFileAtomically(path, "first");
        writeFileAtomically(path, "second");
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("second"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }

    void atomicFileReportsUnwritableDirectory()
    {
        try {
            writeFileAtomically("/nonexistent-dir/x/out.txt", "data");
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QVERIFY(QString(e.what()).contains("/nonexistent-dir/x/out.txt"));
            QCOMPARE(e.path(), std::string("/nonexistent-dir/x/out.txt"));
        }
    }

    // A pipe named like a model file is refused at once: opening it for reading would wait for a
    // writer forever.
    void mappedFileRefusesPipes()
    {
        QTemporaryDir dir;
        const std::string pipe = dir.filePath("model.safetensors").toStdString();
        QCOMPARE(::mkfifo(pipe.c_str(), 0644), 0);
        QVERIFY_THROWS_EXCEPTION(geolens::FileError, geolens::MappedFile::open(pipe));
    }

    void jobProgressReportsAndCancels()
    {
        std::vector<std::int64_t> seen;
        JobProgress progress([&](std::int64_t done, std::int64_t total, const std::string &) {
            seen.push_back(done);
            QCOMPARE(total, std::int64_t(3));
        });
        progress.report(1, 3);
        progress.report(2, 3);
        QCOMPARE(seen.size(), std::size_t(2));
        progress.throwIfCanceled();
        progress.requestCancel();
        QVERIFY(progress.isCanceled());
        QVERIFY_THROWS_EXCEPTION(Canceled, progress.throwIfCanceled());
    }
};

QTEST_APPLESS_MAIN(CommonTest)
#include "tst_common.moc"
