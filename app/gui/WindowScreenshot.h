#pragma once

#include <QObject>
#include <QString>

class QWidget;

namespace geolens {

// The picture --screenshot asks for. A scripted run asks for it from more than one place (its end,
// and a fallback timer when there is no raster to wait for); it is taken the first time only, so
// the file is written and reported once.
class WindowScreenshot : public QObject {
    Q_OBJECT

public:
    WindowScreenshot(QWidget *window, QString path, QObject *parent = nullptr);

    const QString &path() const { return path_; }
    bool isTaken() const { return taken_; }

public slots:
    // Saves the window (on X11 the whole screen, so dialogs in front of it show too) and emits
    // taken; does nothing when the picture was already taken.
    void take();

signals:
    void taken(bool saved);

private:
    QWidget *window_;
    QString path_;
    bool taken_ = false;
};

} // namespace geolens
