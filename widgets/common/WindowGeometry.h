#pragma once

#include <QObject>
#include <QRect>
#include <QSize>
#include <QString>

class QWidget;

namespace geolens {

// Windows open at the size they were left at (QSettings), or at a preferred size that the screen
// can show: never larger than 90 % of its available area, so that a 1366 x 768 laptop sees the
// whole window, status bar included.
class WindowGeometry : public QObject {
    Q_OBJECT

public:
    // preferred, shrunk to fit 90 % of available.
    static QSize fitted(const QSize &preferred, const QRect &available);
    // Resizes window to the geometry saved under key, or to preferred fitted to its screen, keeps
    // it on the screen, and saves its geometry under key each time it is hidden or closed.
    static void remember(QWidget *window, const QString &key, const QSize &preferred);
    // Shrinks and moves window, when needed, so that it lies within its screen's available area.
    static void keepOnScreen(QWidget *window);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    WindowGeometry(QWidget *window, QString key);
    QString key_;
};

} // namespace geolens
