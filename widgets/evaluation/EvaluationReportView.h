#pragma once

#include "EvaluationReportData.h"

#include <QList>
#include <QString>
#include <QWidget>

class QCPBarsGroup;
class QCustomPlot;
class QFileSystemWatcher;
class QHBoxLayout;
class QLabel;
class QListWidget;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace geolens {

class ConfusionMatrixView;

// An evaluation report folder with its models side by side: the summary table (tables.csv as it
// is) above a chart of the benchmark's scores (per class, per question type, per object size or
// per caption metric; one colour per model) and, for a scene benchmark, a second tab with one
// confusion matrix per model, a click on whose cell lists that cell's questions with their images
// below.
//
// It watches the folder, so the report of a running evaluation fills in as its files appear.
class EvaluationReportView : public QWidget {
    Q_OBJECT

public:
    explicit EvaluationReportView(QWidget *parent = nullptr);

    // Shows the report in folder and watches it; false when it could not be read (the view then
    // says why, and shows what could be read).
    bool setFolder(const QString &folder);
    QString folder() const { return data_.folder(); }
    // Reads the folder again, keeping the cell shown when it still exists.
    bool reload();
    const EvaluationReportData &data() const { return data_; }

    // Lists the questions of one model's confusion cell and marks that cell in every matrix.
    void showCell(const QString &model, int row, int column);
    // The model and cell listed; model empty when none.
    QString shownCellModel() const { return cellModel_; }

    // The scores' chart, then (scene only) the confusion matrices with the list of a cell's questions.
    QTabWidget *sections() const { return tabs_; }
    QTableWidget *summaryTable() const { return table_; }
    QCustomPlot *chart() const { return plot_; }
    // One per model, in the models' order; empty unless the benchmark is a scene one.
    QList<ConfusionMatrixView *> confusionViews() const { return confusionViews_; }
    QListWidget *cellQuestionList() const { return cellList_; }
    QLabel *problemLabel() const { return problems_; }
    QPushButton *reloadButton() const { return reload_; }
    QPushButton *openHtmlButton() const { return openHtml_; }

    // How long the view waits after a change in the folder before it reads it again, so that a
    // burst of writes is read once; a second by default.
    void setReloadDelay(int milliseconds);

signals:
    // After every reading of the folder.
    void reloaded(bool ok);

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void retranslate();
    void showData();
    void updateHeader();
    void fillTable();
    QString columnTitle(const QString &header) const;
    void fitTableHeight();
    void fillChart();
    void fillConfusion();
    void clearCell();
    void watch();
    QString taskTitle() const;

    EvaluationReportData data_;
    QString cellModel_;
    int cellRow_ = -1, cellColumn_ = -1;

    QLabel *title_;
    QLabel *summary_;
    QLabel *problems_;
    QPushButton *reload_, *openHtml_, *openFolder_;
    QTabWidget *tabs_;
    QSplitter *splitter_; // the confusion matrices above the questions of a cell
    QTableWidget *table_;
    QLabel *chartTitle_;
    QCustomPlot *plot_;
    QCPBarsGroup *bars_;
    QWidget *confusionPanel_;
    QHBoxLayout *confusionRow_;
    QStringList confusionModels_; // the models confusionViews_ were made for
    QList<ConfusionMatrixView *> confusionViews_;
    QList<QLabel *> confusionTitles_;
    QWidget *cellPanel_;
    QLabel *cellTitle_;
    QListWidget *cellList_;
    QFileSystemWatcher *watcher_;
    QTimer *reloadTimer_;
};

} // namespace geolens
