#include "DistillationMenu.h"

#include "DistillationWindows.h"

#include <QEvent>

namespace geolens {

DistillationMenu::DistillationMenu(DistillationWindows *windows, QWidget *parent)
    : QMenu(parent), newRun_(addAction(QString())), newClassifier_(addAction(QString())), openRun_(addAction(QString()))
{
    addSeparator();
    compare_ = addAction(QString());
    addSeparator();
    evaluate_ = addAction(QString());
    openReport_ = addAction(QString());
    evaluate_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    newRun_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    compare_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    connect(newRun_, &QAction::triggered, windows, &DistillationWindows::startWizard);
    connect(openRun_, &QAction::triggered, windows, &DistillationWindows::chooseRun);
    connect(newClassifier_, &QAction::triggered, windows, &DistillationWindows::startTileClassifier);
    connect(compare_, &QAction::triggered, windows, [windows] { windows->showComparison(); });
    connect(evaluate_, &QAction::triggered, windows, [windows] { windows->showEvaluation(); });
    connect(openReport_, &QAction::triggered, windows, &DistillationWindows::chooseEvaluationReport);
    retranslate();
}

void DistillationMenu::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMenu::changeEvent(event);
}

void DistillationMenu::retranslate()
{
    setTitle(tr("&Distillation"));
    newRun_->setText(tr("&New Distillation Run..."));
    newRun_->setToolTip(tr("Distil a teacher model into a smaller student, step by step"));
    newClassifier_->setText(tr("New &Tile Classifier (Multi-Aspect)..."));
    newClassifier_->setToolTip(tr("Distil the model into a fast tile classifier: the model judges every tile's class "
                                  "and aspects, a small network learns them and labels a whole mosaic in minutes"));
    openRun_->setText(tr("&Open Distillation Run..."));
    openRun_->setToolTip(tr("Follow a running distillation or look at a finished one"));
    compare_->setText(tr("&Compare Teacher and Student..."));
    compare_->setToolTip(tr("Run a teacher and its distilled student on the selected tiles side by side: "
                            "answers, boxes and time per tile"));
    evaluate_->setText(tr("&Evaluate Models..."));
    evaluate_->setToolTip(tr("Score one or more models on a benchmark (scene classes, questions, boxes or captions) "
                             "and compare them side by side in a report"));
    openReport_->setText(tr("Open Evaluation &Report..."));
    openReport_->setToolTip(tr("Show the report folder of an evaluation, finished or still running"));
}

} // namespace geolens
