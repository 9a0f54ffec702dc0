<?php
/*
 * Drives a real SuiteCRM's Module Loader from the command line, through the same classes and
 * in the same order as Administration -> Module Loader does in the browser:
 *
 *   upload     modules/Administration/UpgradeWizard.php (run=upload): extractManifest,
 *              ModuleScanner::scanFile + checkConfig on the manifest, validate_manifest, then
 *              the zip and its manifest are moved to upload/upgrades/module/.
 *   install    UpgradeWizard_prepare.php + UpgradeWizard_commit.php (mode=Install):
 *              UpgradeHistory::determineIfUpgrade finds a previous version, the package scan
 *              runs when the instance enables it, pre_install, ModuleInstaller::install (with
 *              the previous version on an upgrade), post_install, then the UpgradeHistory row
 *              (the previous release's row and zip are replaced, as the page does).
 *   uninstall  UpgradeWizard_commit.php (mode=Uninstall): pre_uninstall, $mi_remove_tables from
 *              the "remove tables" answer, ModuleInstaller::uninstall, the UpgradeHistory rows
 *              of that zip deleted.
 *
 * Run it inside the SuiteCRM root as the web server's user:
 *   php module_loader.php install <zip>
 *   php module_loader.php uninstall <id_name> keep|remove
 *   php module_loader.php installed [<id_name>]
 * Its last line is SCRM_ML_MARKER followed by one JSON object: what happened, and every PHP
 * error SuiteCRM raised while doing it (the caller decides which of those concern the
 * package). ModuleInstaller flushes its progress bar straight to the output, so what comes
 * before that line is the page's own HTML.
 */

if (PHP_SAPI !== 'cli') {
    exit(1);
}

const SCRM_ML_MARKER = '@@socialcrm-module-loader@@';
const SCRM_ML_OK = 0;
const SCRM_ML_FAILED = 1;
const SCRM_ML_USAGE = 2;

$scrmErrors = array();
$scrmLevels = array(
    E_WARNING => 'warning', E_NOTICE => 'notice', E_USER_ERROR => 'error', E_USER_WARNING => 'warning',
    E_USER_NOTICE => 'notice', E_DEPRECATED => 'deprecated', E_USER_DEPRECATED => 'deprecated',
    E_RECOVERABLE_ERROR => 'error',
);

function scrm_ml_finish(array $result, $code)
{
    global $scrmErrors;
    $result['php_errors'] = $scrmErrors;
    // The web server's PHP caches compiled files and looks at them again only every
    // revalidate_freq seconds; the page resets that cache, a command line cannot.
    $result['opcache_revalidate_seconds'] = (int) ini_get('opcache.revalidate_freq');
    while (ob_get_level() > 0) { // the installer flushes its progress bar past any buffer
        ob_end_clean();
    }
    echo "\n" . SCRM_ML_MARKER . json_encode($result, JSON_UNESCAPED_SLASHES) . "\n";
    exit($code);
}

function scrm_ml_fail($message)
{
    scrm_ml_finish(array('ok' => false, 'error' => $message), SCRM_ML_FAILED);
}

$argv = $_SERVER['argv'];
$command = isset($argv[1]) ? $argv[1] : '';
if (!in_array($command, array('install', 'uninstall', 'installed'), true)
    || ($command === 'install' && count($argv) !== 3)
    || ($command === 'uninstall' && (count($argv) !== 4 || !in_array($argv[3], array('keep', 'remove'), true)))) {
    fwrite(STDERR, "usage: module_loader.php install <zip> | uninstall <id_name> keep|remove | installed [<id_name>]\n");
    exit(SCRM_ML_USAGE);
}
if ($command === 'install') {
    $zipArg = realpath($argv[2]);
    if ($zipArg === false || !is_file($zipArg)) {
        fwrite(STDERR, "module_loader.php: no such package: {$argv[2]}\n");
        exit(SCRM_ML_USAGE);
    }
}
if (!is_file('include/entryPoint.php')) {
    fwrite(STDERR, "module_loader.php: run it inside the SuiteCRM root (no include/entryPoint.php here)\n");
    exit(SCRM_ML_USAGE);
}

define('sugarEntry', true);
ob_start();
require_once 'include/entryPoint.php';
global $current_user, $mod_strings, $current_language, $sugar_config;
$current_user = BeanFactory::newBean('Users');
$current_user->getSystemUser();
if (empty($current_user->is_admin)) {
    ob_end_clean();
    scrm_ml_fail('no administrator found to act as');
}
// UpgradeWizardCommon refuses anyone but an administrator, as the page does, and sets the
// page's upload and temp folders ($base_upgrade_dir, $base_tmp_upgrade_dir).
$_REQUEST['view'] = 'module';
require_once 'modules/Administration/UpgradeWizardCommon.php';
require_once 'ModuleInstall/ModuleInstaller.php';
require_once 'ModuleInstall/ModuleScanner.php';
ob_end_clean();

// SuiteCRM sets its own handler; record what PHP reports from here on, with the file it names.
set_error_handler(function ($level, $message, $file, $line) use (&$scrmErrors, $scrmLevels) {
    $scrmErrors[] = array(
        'level' => isset($scrmLevels[$level]) ? $scrmLevels[$level] : (string) $level,
        'message' => $message,
        'file' => $file,
        'line' => $line,
    );
    return true;
});

$current_language = !empty($sugar_config['default_language']) ? $sugar_config['default_language'] : 'en_us';
$GLOBALS['app_strings'] = return_application_language($current_language);
$GLOBALS['app_list_strings'] = return_app_list_strings_language($current_language);
$mod_strings = return_module_language($current_language, 'Administration');

function scrm_ml_installed($idName)
{
    $rows = array();
    $db = DBManagerFactory::getInstance();
    $where = $idName === null ? '' : ' AND id_name = ' . $db->quoted($idName);
    $result = $db->query("SELECT id, id_name, name, version, status, filename, md5sum FROM upgrade_history"
        . " WHERE type = 'module'$where ORDER BY date_entered");
    while ($row = $db->fetchByAssoc($result, false)) {
        $rows[] = $row;
    }
    return $rows;
}

/** The page unpacks into a fresh folder under $base_tmp_upgrade_dir. */
function scrm_ml_unzip($zip)
{
    mkdir_recursive($GLOBALS['base_tmp_upgrade_dir']);
    $dir = mk_temp_dir($GLOBALS['base_tmp_upgrade_dir']);
    unzip($zip, $dir);
    return $dir;
}

/** UpgradeWizard.php, run=upload: scan and validate the manifest, move the zip into place. */
function scrm_ml_upload($zip)
{
    foreach ($GLOBALS['subdirs'] as $subdir) { // the page makes sure these exist first
        if (!file_exists("{$GLOBALS['base_upgrade_dir']}/$subdir")) {
            sugar_mkdir("{$GLOBALS['base_upgrade_dir']}/$subdir", 0770, true);
        }
    }
    $staging = 'upload://' . basename($zip);
    if (!copy($zip, $staging)) {
        scrm_ml_fail("could not copy the package to $staging");
    }
    $manifestFile = extractManifest($staging);
    if (!is_file($manifestFile)) {
        scrm_ml_fail('the package has no manifest.php');
    }
    $scanner = new ModuleScanner();
    $scanner->lockConfig();
    $issues = $scanner->scanFile($manifestFile);
    if (!empty($issues) || $scanner->checkConfig($manifestFile)) {
        scrm_ml_fail('the manifest failed the package scan: ' . json_encode($scanner->getIssues()));
    }
    list($manifest, $installdefs) = MSLoadManifest($manifestFile);
    ob_start();
    validate_manifest($manifest); // dies with the page's message when the package does not fit
    ob_end_clean();
    if ($manifest['type'] !== 'module') {
        scrm_ml_fail("a {$manifest['type']} package is not a module");
    }
    $baseDir = $GLOBALS['base_upgrade_dir'] . '/module';
    $target = "$baseDir/" . basename($zip);
    if (!rename($staging, $target)) {
        scrm_ml_fail("could not move the package to $target");
    }
    copy($manifestFile, remove_file_extension($target) . '-manifest.php');
    return array($target, $manifest, $installdefs);
}

/** UpgradeWizard_commit.php, mode=Install, for a 'module' package. */
function scrm_ml_install($zip)
{
    global $mod_strings;
    list($installFile, $manifest, $installdefs) = scrm_ml_upload($zip);
    $idName = $installdefs['id'];
    $version = $manifest['version'];
    $uh = new UpgradeHistory();
    $previous = $uh->determineIfUpgrade($idName, $version);
    $previousVersion = empty($previous['version']) ? '' : $previous['version'];
    $previousId = empty($previous['id']) ? '' : $previous['id'];
    foreach (scrm_ml_installed($idName) as $row) { // the page lists only zips not installed yet
        if ($row['md5sum'] === md5_file($installFile)) {
            scrm_ml_fail("this very package ($idName {$row['version']}) is already installed");
        }
    }

    $unzipDir = scrm_ml_unzip($installFile);
    // the commit page hands ModuleInstaller the package's path in the request
    $_REQUEST['install_file'] = str_replace('upload:/', rtrim($GLOBALS['sugar_config']['upload_dir'], '/'), $installFile);
    if ((defined('MODULE_INSTALLER_PACKAGE_SCAN') && MODULE_INSTALLER_PACKAGE_SCAN)
        || !empty($GLOBALS['sugar_config']['moduleInstaller']['packageScan'])) {
        $scanner = new ModuleScanner();
        $scanner->scanPackage($unzipDir);
        if ($scanner->hasIssues()) {
            scrm_ml_fail('the package failed the package scan: ' . json_encode($scanner->getIssues()));
        }
    }
    ob_start();
    $file = "$unzipDir/" . constant('SUGARCRM_PRE_INSTALL_FILE');
    if (is_file($file)) {
        include $file;
        pre_install();
    }
    $mi = new ModuleInstaller();
    $mi->silent = true; // no progress bar: nobody watches it here
    if ($previousVersion !== '') {
        $mi->install($unzipDir, true, $previousVersion);
    } else {
        $mi->install($unzipDir);
    }
    $file = "$unzipDir/" . constant('SUGARCRM_POST_INSTALL_FILE');
    if (is_file($file)) {
        include $file;
        post_install();
    }
    $output = ob_get_clean();

    $history = new UpgradeHistory();
    if ($previousId !== '') {
        $history->id = $previousId;
        $old = new UpgradeHistory();
        $old->retrieve($previousId);
        if (is_file($old->filename) && realpath($old->filename) !== realpath($installFile)) {
            unlink($old->filename);
            @unlink(remove_file_extension($old->filename) . '-manifest.php');
        }
    }
    $history->filename = $installFile;
    $history->md5sum = md5_file($installFile);
    $history->type = 'module';
    $history->version = $version;
    $history->status = 'installed';
    $history->name = $manifest['name'];
    $history->description = $manifest['description'];
    $history->id_name = $idName;
    $history->manifest = base64_encode(serialize(array(
        'manifest' => $manifest, 'installdefs' => $installdefs, 'upgrade_manifest' => '',
    )));
    $history->save();
    rmdir_recursive($unzipDir);
    scrm_ml_finish(array(
        'ok' => true, 'action' => 'install', 'id_name' => $idName, 'version' => $version,
        'previous_version' => $previousVersion, 'file' => $installFile, 'output' => $output,
    ), SCRM_ML_OK);
}

/** UpgradeWizard_commit.php, mode=Uninstall, with the page's "remove tables" answer. */
function scrm_ml_uninstall($idName, $removeTables)
{
    $rows = scrm_ml_installed($idName);
    if (empty($rows)) {
        scrm_ml_fail("$idName is not installed");
    }
    $row = end($rows);
    $installFile = $row['filename'];
    if (!is_file($installFile)) {
        scrm_ml_fail("the installed package file $installFile is missing");
    }
    $unzipDir = scrm_ml_unzip($installFile);
    $_REQUEST['install_file'] = str_replace('upload:/', rtrim($GLOBALS['sugar_config']['upload_dir'], '/'), $installFile);
    ob_start();
    $file = "$unzipDir/" . constant('SUGARCRM_PRE_UNINSTALL_FILE');
    if (is_file($file)) {
        include $file;
        pre_uninstall();
    }
    $GLOBALS['mi_remove_tables'] = $removeTables;
    $mi = new ModuleInstaller();
    $mi->silent = true;
    $mi->uninstall($unzipDir);
    $output = ob_get_clean();
    $uh = new UpgradeHistory();
    foreach ($uh->findByMd5(md5_file($installFile)) as $match) {
        $match->delete();
    }
    // As on the page, the zip and its manifest stay in upload/upgrades/module, listed for a
    // later install.
    rmdir_recursive($unzipDir);
    scrm_ml_finish(array(
        'ok' => true, 'action' => 'uninstall', 'id_name' => $idName, 'version' => $row['version'],
        'remove_tables' => $removeTables, 'output' => $output,
    ), SCRM_ML_OK);
}

if ($command === 'install') {
    scrm_ml_install($zipArg);
} elseif ($command === 'uninstall') {
    scrm_ml_uninstall($argv[2], $argv[3] === 'remove');
}
scrm_ml_finish(array('ok' => true, 'installed' => scrm_ml_installed(isset($argv[2]) ? $argv[2] : null)), SCRM_ML_OK);
