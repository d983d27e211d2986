#pragma once

#include <QMenu>

class QAction;

namespace geolens {

class DistillationWindows;

// Distillation: a new run (the wizard), an existing run folder in the monitor, the
// teacher-student comparison on the selected tiles, and the evaluation of models on a benchmark
// with its reports.
class DistillationMenu : public QMenu {
    Q_OBJECT

public:
    explicit DistillationMenu(DistillationWindows *windows, QWidget *parent = nullptr);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QAction *newRun_, *newClassifier_, *openRun_, *compare_, *evaluate_, *openReport_;
};

} // namespace geolens
