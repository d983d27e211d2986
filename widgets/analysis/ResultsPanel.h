#pragma once

#include <QRectF>
#include <QWidget>

#include <vector>

class QTreeWidget;

namespace geolens {

// One analysis result as the list shows it; bounds are in raster pixels for zooming.
struct ResultRow {
    QString task;
    QString label;
    double score = 0.0;
    int tileId = -1;
    QRectF bounds;
    QString prompt;  // what the model was asked
    QString answer;  // what it said, in full
    QString details; // e.g. the top-3 classes of a scene label
};

// Every analysis result in a list; double-click (or Enter) zooms the map to it.
class ResultsPanel : public QWidget {
    Q_OBJECT

public:
    explicit ResultsPanel(QWidget *parent = nullptr);

    void setResults(std::vector<ResultRow> rows);
    int count() const;
    QTreeWidget *tree() const { return tree_; }

signals:
    void zoomRequested(const QRectF &rasterBounds);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QTreeWidget *tree_;
    std::vector<ResultRow> rows_;
};

} // namespace geolens
