#pragma once

#include "EvaluationReportData.h"

#include <QWidget>

namespace geolens {

// A scene benchmark's confusion matrix as a heat map: one row per true class, one column per
// class read from the answers (and "(no class)"), each cell coloured by its share of its row, so
// that a class with few images reads as clearly as one with many, and labelled with its count.
//
// It takes its full size (a 45-class matrix is about 1200 px square) and is meant to sit in a
// QScrollArea. A click, or Enter on the current cell (moved with the arrow keys), emits
// cellClicked; a tooltip tells the classes, the count and the share.
class ConfusionMatrixView : public QWidget {
    Q_OBJECT

public:
    explicit ConfusionMatrixView(QWidget *parent = nullptr);

    void setMatrix(const ConfusionMatrix &matrix);
    const ConfusionMatrix &matrix() const { return matrix_; }

    int rowCount() const { return static_cast<int>(matrix_.classes.size()); }
    int columnCount() const { return static_cast<int>(matrix_.columns.size()); }
    // The cell with the keyboard focus and the last one clicked; (-1, -1) when none.
    int currentRow() const { return currentRow_; }
    int currentColumn() const { return currentColumn_; }
    void setCurrentCell(int row, int column);
    // Where a cell is drawn, in this widget's coordinates; empty for a cell that does not exist.
    QRect cellRect(int row, int column) const;
    // The cell at a point, false when the point is on no cell.
    bool cellAt(const QPoint &point, int *row, int *column) const;
    // The cell's count as a share of its row (0 when the row is empty).
    double rowShare(int row, int column) const;
    QString cellToolTip(int row, int column) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void cellClicked(int row, int column);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateMargins();
    QColor cellColour(double share) const;

    ConfusionMatrix matrix_;
    int cellSize_ = 26;
    int rowLabelWidth_ = 0;
    int columnLabelHeight_ = 0;
    int currentRow_ = -1, currentColumn_ = -1;
    int hoverRow_ = -1, hoverColumn_ = -1;
};

} // namespace geolens
