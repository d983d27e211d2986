#include "RecentFilesMenu.h"

#include <QEvent>
#include <QFileInfo>
#include <QSettings>

namespace geolens {

namespace {

constexpr int MaxRecentFiles = 10;
const char *const RecentKey = "files/recent";
const char *const LastDirKey = "files/lastDir";

} // namespace

RecentFilesMenu::RecentFilesMenu(QWidget *parent) : QMenu(parent)
{
    rebuild();
}

QStringList RecentFilesMenu::files() const
{
    return QSettings().value(RecentKey).toStringList();
}

QString RecentFilesMenu::lastFolder()
{
    return QSettings().value(LastDirKey).toString();
}

void RecentFilesMenu::addFile(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(RecentKey).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > MaxRecentFiles)
        recent.removeLast();
    settings.setValue(RecentKey, recent);
    settings.setValue(LastDirKey, QFileInfo(absolute).absolutePath());
    rebuild();
}

void RecentFilesMenu::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        rebuild();
    QMenu::changeEvent(event);
}

void RecentFilesMenu::rebuild()
{
    setTitle(tr("Open &Recent"));
    clear();
    const QStringList recent = files();
    for (const QString &file : recent) {
        QAction *action = addAction(QFileInfo(file).fileName());
        action->setToolTip(file);
        action->setStatusTip(file);
        connect(action, &QAction::triggered, this, [this, file] { emit openRequested(file); });
    }
    if (recent.isEmpty()) {
        addAction(tr("No recent files"))->setEnabled(false);
        return;
    }
    addSeparator();
    connect(addAction(tr("Clear Recent Files")), &QAction::triggered, this, [this] {
        QSettings().remove(RecentKey);
        rebuild();
    });
}

} // namespace geolens
