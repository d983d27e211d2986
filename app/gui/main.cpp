// geolens: the desktop workbench. Thin: application set-up, the command line, the main window.

#include "LanguageSwitcher.h"
#include "DistillationWindows.h"
#include "AnalysisLayer.h"
#include "MainWindow.h"
#include "ModelComparisonDialog.h"
#include "ScriptedRun.h"
#include "WindowScreenshot.h"
#include "MapCanvas.h"
#include "TileGridOverlay.h"
#include "evaluation/ScenePresets.h"
#include "common/Error.h"
#include "common/FreedMemory.h"
#include "common/ThreadSpinning.h"
#include "geometry/RotatedBox.h"
#include "raster/GdalEnvironment.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <cstdio>
#include <memory>

int main(int argc, char **argv)
{
    // The model runs in this process: its threads stop spinning when idle, and its tensors' memory
    // is kept for the next tile.
    geolens::limitThreadSpinningAndRestart(argv);
    geolens::keepFreedMemory();
    // --help and --version only print: they answer without a display.
    bool printOnly = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        printOnly = printOnly || arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" || arg == "--version";
    }
    const std::unique_ptr<QCoreApplication> application(printOnly ? new QCoreApplication(argc, argv)
                                                                   : new QApplication(argc, argv));
    QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("GeoLens"));
    QCoreApplication::setOrganizationName(QStringLiteral("GeoLens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GEOLENS_VERSION));
    if (!printOnly)
        QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/geolens.svg")));
    geolens::initializeGdal();

    geolens::LanguageSwitcher languages;
    languages.applySaved();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Remote-sensing vision-language workbench.\n\nEnvironment: GEOLENS_MODEL=folder loads "
                                        "that model when --model is not given.\nExample: geolens --model "
                                        "~/models/GeoChat-KD data/bluemarble.tif"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"), QApplication::translate("main", "Raster to open"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Save a picture of the window once the raster is drawn, then quit"),
                                        QStringLiteral("png"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QApplication::translate("main", "Interface language (en, zh_CN)"),
                                      QStringLiteral("code"));
    const QCommandLineOption selectTiles(QStringLiteral("select-tiles"),
                                         QApplication::translate("main", "Tile ids to select, comma-separated"),
                                         QStringLiteral("ids"));
    const QCommandLineOption modelOption(QStringLiteral("model"), QApplication::translate("main", "Model folder to load"),
                                         QStringLiteral("folder"));
    const QCommandLineOption visionTowerOption(
        QStringLiteral("vision-tower"),
        QApplication::translate("main", "CLIP folder for a model without vision-tower weights (original LLaVA-1.5)"),
        QStringLiteral("folder"));
    const QCommandLineOption imageSizeOption(QStringLiteral("image-size"),
                                             QApplication::translate("main", "Model input size in pixels (default: the model's)"),
                                             QStringLiteral("pixels"));
    const QCommandLineOption labelOption(QStringLiteral("label-tiles"),
                                         QApplication::translate("main", "Label the tiles with a class preset (ucm, aid, nwpu) once the raster and model are loaded"),
                                         QStringLiteral("preset"));
    const QCommandLineOption classifierOption(
        QStringLiteral("label-with-classifier"),
        QApplication::translate("main", "Label the tiles with a trained tile classifier (its folder); needs no model"),
        QStringLiteral("folder"));
    const QCommandLineOption colourByOption(
        QStringLiteral("colour-by"),
        QApplication::translate("main", "Colour the labelled tiles as a heat map of this aspect (after the labels)"),
        QStringLiteral("aspect"));
    const QCommandLineOption askOption(QStringLiteral("ask"),
                                       QApplication::translate("main", "Ask the chat a question about the view once the raster and model are loaded"),
                                       QStringLiteral("question"));
    const QCommandLineOption findOption(QStringLiteral("find"),
                                        QApplication::translate("main", "Find the objects a query names in the selected tiles (or all)"),
                                        QStringLiteral("query"));
    const QCommandLineOption groundOption(QStringLiteral("describe-with-boxes"),
                                          QApplication::translate("main", "Describe the selected tiles (or all) with boxes"));
    const QCommandLineOption regionOption(QStringLiteral("describe-region"),
                                          QApplication::translate("main", "Describe a region given in raster pixels as x1,y1,x2,y2[,angle]"),
                                          QStringLiteral("box"));
    const QCommandLineOption exportOption(QStringLiteral("export-results"),
                                          QApplication::translate("main", "Write the results to a .gpkg, .geojson or .csv file once every task is done"),
                                          QStringLiteral("file"));
    const QCommandLineOption runOption(QStringLiteral("open-run"),
                                       QApplication::translate("main", "Show a distillation run folder in the run monitor"),
                                       QStringLiteral("folder"));
    const QCommandLineOption compareOption(QStringLiteral("compare-with"),
                                           QApplication::translate("main", "Compare the --model (the student) with this teacher folder on the selected tiles"),
                                           QStringLiteral("teacher"));
    const QCommandLineOption compareTaskOption(QStringLiteral("compare-task"),
                                               QApplication::translate("main", "What --compare-with asks: scene:CLASSES, refer:QUERY, grounding or question:TEXT"),
                                               QStringLiteral("task"), QStringLiteral("refer:airplanes"));
    const QCommandLineOption evaluationOption(QStringLiteral("open-evaluation"),
                                              QApplication::translate("main", "Evaluation report folder to show"),
                                              QStringLiteral("dir"));
    parser.addOption(evaluationOption);
    parser.addOption(runOption);
    parser.addOption(compareOption);
    parser.addOption(compareTaskOption);
    parser.addOption(findOption);
    parser.addOption(groundOption);
    parser.addOption(regionOption);
    parser.addOption(exportOption);
    parser.addOption(askOption);
    parser.addOption(modelOption);
    parser.addOption(imageSizeOption);
    parser.addOption(visionTowerOption);
    parser.addOption(labelOption);
    parser.addOption(classifierOption);
    parser.addOption(colourByOption);
    parser.addOption(screenshot);
    parser.addOption(language);
    parser.addOption(selectTiles);
    parser.process(app);
    if (parser.isSet(language))
        languages.apply(parser.value(language), false); // for this run only

    // The window sizes itself: as it was left, or to fit the screen.
    geolens::MainWindow window(&languages);
    window.show();

    const QStringList files = parser.positionalArguments();
    // The tasks asked for on the command line run one after the other, in the order of the options
    // below, once both the raster and the model are ready.
    using geolens::ScriptedRun;
    // The selection comes first (connected before the run is): the tasks work on it.
    QObject::connect(&window, &geolens::MainWindow::rasterOpened, &window, [&] {
        QList<int> ids;
        for (const QString &id : parser.value(selectTiles).split(QLatin1Char(','), Qt::SkipEmptyParts))
            ids << id.toInt();
        window.tileGrid()->setSelectedTiles(ids);
    });
    const QString modelFolder =
        parser.isSet(modelOption) ? parser.value(modelOption) : qEnvironmentVariable("GEOLENS_MODEL");
    ScriptedRun run(&window, !files.isEmpty(), !modelFolder.isEmpty());
    if (parser.isSet(askOption))
        run.addStep(QStringLiteral("--ask"), [&] {
            window.askChat(parser.value(askOption));
            return ScriptedRun::StepStart::Started;
        });
    if (parser.isSet(labelOption))
        run.addStep(QStringLiteral("--label-tiles"), [&] {
            geolens::SceneLabelOptions options;
            options.classes = geolens::scenePreset(parser.value(labelOption).toStdString()).classes;
            options.mode = geolens::SceneLabelOptions::Mode::Score;
            window.startSceneLabels(options);
            return ScriptedRun::StepStart::Started;
        });
    if (parser.isSet(classifierOption))
        run.addStep(QStringLiteral("--label-with-classifier"), [&] {
            window.startClassifierLabels(parser.value(classifierOption));
            return ScriptedRun::StepStart::Started;
        });
    if (parser.isSet(colourByOption))
        run.addStep(QStringLiteral("--colour-by"), [&] {
            const QString aspect = parser.value(colourByOption);
            if (!window.analysisLayer()->aspectKeys().contains(aspect))
                throw geolens::InvalidArgument("no labelled tile has the aspect '" + aspect.toStdString() + "'");
            window.analysisLayer()->setColouring(aspect);
            return ScriptedRun::StepStart::Done;
        });
    if (parser.isSet(findOption))
        run.addStep(QStringLiteral("--find"), [&] {
            window.startFindObjects(parser.value(findOption));
            return ScriptedRun::StepStart::Started;
        });
    if (parser.isSet(groundOption))
        run.addStep(QStringLiteral("--describe-with-boxes"), [&] {
            window.startGrounding();
            return ScriptedRun::StepStart::Started;
        });
    if (parser.isSet(regionOption))
        run.addStep(QStringLiteral("--describe-region"), [&] {
            geolens::RotatedBox region;
            try {
                region = geolens::RotatedBox::parse(parser.value(regionOption).toStdString());
            } catch (const geolens::InvalidArgument &e) {
                throw geolens::InvalidArgument(std::string("--describe-region: ") + e.what());
            }
            window.startRegionCaption(region);
            return ScriptedRun::StepStart::Started;
        });
    if (parser.isSet(compareOption))
        run.addStep(QStringLiteral("--compare-with"), [&] {
            const QString spec = parser.value(compareTaskOption);
            const QString kind = spec.section(QLatin1Char(':'), 0, 0);
            const QString text = spec.section(QLatin1Char(':'), 1);
            if (!window.startModelComparison(parser.value(compareOption), modelFolder,
                                             geolens::ComparisonTask::kindFromName(kind.toStdString()), text))
                throw geolens::InvalidArgument(window.modelComparison()->problem().toStdString());
            return ScriptedRun::StepStart::Started;
        });
    if (parser.isSet(exportOption))
        run.addStep(QStringLiteral("--export-results"), [&] {
            const QString path = parser.value(exportOption);
            if (!window.exportResults(path))
                throw geolens::FileError(path.toStdString(), "no results were written");
            return ScriptedRun::StepStart::Done;
        });
    if (parser.isSet(runOption))
        window.openDistillationRun(parser.value(runOption));
    if (parser.isSet(evaluationOption))
        window.distillationWindows()->openEvaluationReport(parser.value(evaluationOption));

    // Lives as long as the event loop: the run's end and the fallback timer both ask for it.
    std::unique_ptr<geolens::WindowScreenshot> shot;
    if (parser.isSet(screenshot)) {
        // Once every step has ended, or at once without a raster: the drawn map, then quit.
        shot = std::make_unique<geolens::WindowScreenshot>(&window, parser.value(screenshot));
        QObject::connect(shot.get(), &geolens::WindowScreenshot::taken, &window, [&run, &shot](bool ok) {
            std::fprintf(stderr, ok ? "geolens: saved %s\n" : "geolens: cannot save %s\n", qPrintable(shot->path()));
            QApplication::exit(ok && !run.failed() ? 0 : 1);
        });
        geolens::WindowScreenshot *save = shot.get();
        auto waitForTiles = [&window, save] {
            auto *poll = new QTimer(&window);
            QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, save] {
                if (window.canvas()->pendingTileCount() == 0) {
                    poll->stop();
                    QTimer::singleShot(200, save, &geolens::WindowScreenshot::take);
                }
            });
            poll->start(100);
        };
        QObject::connect(&run, &ScriptedRun::finished, &window,
                         [&window, waitForTiles] { QTimer::singleShot(300, &window, waitForTiles); });
        if (files.isEmpty())
            QTimer::singleShot(500, save, &geolens::WindowScreenshot::take);
    }
    if (!files.isEmpty())
        window.openRaster(files.first());
    if (!modelFolder.isEmpty()) {
        geolens::ModelLoadOptions options;
        if (parser.isSet(imageSizeOption))
            options.imageSize = parser.value(imageSizeOption).toInt();
        options.visionTower = parser.value(visionTowerOption).toStdString();
        window.loadModel(modelFolder, options);
    }
    return app.exec();
}
