#include "RecentFilesMenu.h"

#include <QAction>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

using namespace geolens;

// File > Open Recent: newest first, each file once, at most ten, and the folder of the newest.
class RecentFilesTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { QSettings().clear(); }

    void keepsTheNewestTenOnce()
    {
        RecentFilesMenu menu;
        QCOMPARE(menu.actions().size(), 1); // "No recent files"
        QVERIFY(!menu.actions().first()->isEnabled());
        for (int i = 0; i < 12; ++i)
            menu.addFile(QDir::temp().filePath(QString("r%1.tif").arg(i)));
        menu.addFile(QDir::temp().filePath("r5.tif"));
        const QStringList files = menu.files();
        QCOMPARE(files.size(), 10);
        QCOMPARE(files.first(), QDir::temp().absoluteFilePath("r5.tif"));
        QCOMPARE(files.count(QDir::temp().absoluteFilePath("r5.tif")), 1);
        QVERIFY(!files.contains(QDir::temp().absoluteFilePath("r0.tif")));
        QCOMPARE(RecentFilesMenu::lastFolder(), QDir::temp().absolutePath());
        QCOMPARE(menu.actions().size(), 12); // ten files, a separator, "Clear Recent Files"
    }

    void choosingOrClearing()
    {
        RecentFilesMenu menu;
        menu.addFile(QDir::temp().filePath("a.tif"));
        QSignalSpy requested(&menu, &RecentFilesMenu::openRequested);
        menu.actions().first()->trigger();
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().first().toString(), QDir::temp().absoluteFilePath("a.tif"));
        menu.actions().last()->trigger();
        QVERIFY(menu.files().isEmpty());
        QCOMPARE(menu.actions().size(), 1);
    }
};

QTEST_MAIN(RecentFilesTest)
#include "tst_recent_files.moc"
