#pragma once

#include <QMenu>

namespace geolens {

// File > Open Recent: the rasters opened last, newest first, kept in the settings together with
// the folder of the newest (where the next file dialog starts).
class RecentFilesMenu : public QMenu {
    Q_OBJECT

public:
    explicit RecentFilesMenu(QWidget *parent = nullptr);

    // Puts path first (as an absolute path) and remembers its folder.
    void addFile(const QString &path);
    QStringList files() const;
    // The folder of the file opened last; empty before the first.
    static QString lastFolder();

signals:
    void openRequested(const QString &path);

protected:
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
};

} // namespace geolens
