<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

require_once __DIR__ . '/SCRM_Config.php';
require_once __DIR__ . '/SCRM_Http.php';

/**
 * Administration -> SocialCRM: service URL, shared secret, connection test.
 *
 * Admin-only. State changes need a POST carrying this session's form token. The secret
 * is write-only: the page says whether one is set and never prints it. Kept free of
 * SuiteCRM's view classes so it can be exercised outside SuiteCRM.
 *
 * SuiteCRM runs every request field through securexss() before this page sees it (HTML
 * characters become entities, AntiXSS removes script-like text). The page therefore never
 * stores a value that filter changed: a secret must come from a set of characters the filter
 * leaves alone, and where SuiteCRM kept the request as sent ($GLOBALS['RAW_REQUEST']) the page
 * also compares the two and refuses what differs.
 */
class SCRM_SettingsPage
{
    const TOKEN_KEY = 'scrm_settings_form_token';
    const FORM_URL = 'index.php?module=SCRM_SocialInteractions&action=scrmsettings';
    const ANSWER_EXCERPT_BYTES = 500;

    /** @var array */
    private $strings;
    /** @var SCRM_Http */
    private $http;
    /** @var array */
    private $session;

    /**
     * @param array $strings the module's mod_strings
     * @param array $session the PHP session (by reference: the form token lives there)
     */
    public function __construct(array $strings, SCRM_Http $http, array &$session)
    {
        $this->strings = $strings;
        $this->http = $http;
        $this->session = &$session;
    }

    /**
     * @param bool $isAdmin whether the current user is a SuiteCRM administrator
     * @param string $method the HTTP method of this request
     * @param array $post the POST fields, as SuiteCRM's input filter left them
     * @param array|null $rawRequest the request fields as the browser sent them, when SuiteCRM
     *     kept them; used only to notice values the filter changed
     * @return string the page's HTML
     */
    public function handle($isAdmin, $method, array $post, $rawRequest = null)
    {
        if (!$isAdmin) {
            return $this->message('error', $this->t('LBL_SCRM_SETTINGS_ADMIN_ONLY'));
        }
        $raw = is_array($rawRequest) ? $rawRequest : array();
        $messages = array();
        $typedUrl = null;
        $answer = null;
        if (strtoupper((string) $method) === 'POST') {
            $action = isset($post['scrm_action']) ? (string) $post['scrm_action'] : '';
            $typedUrl = isset($post['scrm_service_url']) ? trim((string) $post['scrm_service_url']) : '';
            $urlAltered = self::altered('scrm_service_url', $post, $raw);
            if (!$this->tokenMatches($post)) {
                $messages[] = array('error', $this->t('LBL_SCRM_SETTINGS_EXPIRED'));
            } elseif ($action === 'save') {
                $secret = isset($post['scrm_shared_secret']) ? (string) $post['scrm_shared_secret'] : '';
                $messages = $this->save($typedUrl, $urlAltered, $secret, self::altered('scrm_shared_secret', $post, $raw));
            } elseif ($action === 'test') {
                list($messages, $answer) = $this->test($typedUrl, $urlAltered);
            }
        }
        return $this->render($messages, $answer, $typedUrl);
    }

    /** True when SuiteCRM's input filter changed the field on its way to $post. */
    private static function altered($name, array $post, array $raw)
    {
        if (!isset($raw[$name]) || !is_string($raw[$name])) {
            return false;
        }
        return !isset($post[$name]) || (string) $post[$name] !== $raw[$name];
    }

    private function save($typedUrl, $urlAltered, $secret, $secretAltered)
    {
        $url = $urlAltered ? null : SCRM_Config::normaliseUrl($typedUrl);
        $errors = array();
        if ($url === null) {
            $errors[] = array('error', $this->t('LBL_SCRM_SETTINGS_BAD_URL'));
        }
        if ($secretAltered) {
            $errors[] = array('error', $this->t('LBL_SCRM_SETTINGS_SECRET_ALTERED'));
        } elseif ($secret !== '' && !SCRM_Config::isAcceptableSecret($secret)) {
            $errors[] = array('error', $this->t('LBL_SCRM_SETTINGS_BAD_SECRET'));
        }
        if ($errors) {
            return $errors;
        }
        try {
            SCRM_Config::save($url, $secret === '' ? null : $secret);
        } catch (\Throwable $error) {
            $this->log('SocialCRM: settings not saved: ' . get_class($error));
            return array(array('error', $this->t('LBL_SCRM_SETTINGS_SAVE_FAILED')));
        }
        if (class_exists('SCRM_ChangeNotifier')) {
            SCRM_ChangeNotifier::forgetSettings();
        }
        return array(array('ok', $this->t('LBL_SCRM_SETTINGS_SAVED')));
    }

    /**
     * GET <url>/health with the URL in the form, or the saved one when the field is empty.
     * A URL that was typed but is not acceptable is an error, never a reason to test another.
     */
    private function test($typedUrl, $urlAltered)
    {
        $typedUrl = trim((string) $typedUrl);
        if ($typedUrl !== '') {
            $url = $urlAltered ? null : SCRM_Config::normaliseUrl($typedUrl);
            if ($url === null) {
                return array(array(array('error', $this->t('LBL_SCRM_SETTINGS_BAD_URL'))), null);
            }
        } else {
            $url = $this->current()->serviceUrl;
        }
        if ($url === '') {
            return array(array(array('error', $this->t('LBL_SCRM_SETTINGS_NO_URL'))), null);
        }
        $result = $this->http->fetch($url . '/health', array('Accept: application/json'));
        if ($result['status'] === 0) {
            $text = $this->t('LBL_SCRM_SETTINGS_TEST_FAILED') . ' ' . $result['error'];
            return array(array(array('error', $text)), null);
        }
        $kind = $result['status'] >= 200 && $result['status'] < 300 ? 'ok' : 'error';
        $text = $this->t('LBL_SCRM_SETTINGS_TEST_OK') . ' HTTP ' . $result['status'];
        return array(array(array($kind, $text)), substr($result['body'], 0, self::ANSWER_EXCERPT_BYTES));
    }

    private function current()
    {
        try {
            return SCRM_Config::load();
        } catch (\Throwable $error) {
            $this->log('SocialCRM: settings unreadable: ' . get_class($error));
            return new SCRM_Config('', '');
        }
    }

    private function render(array $messages, $answer, $typedUrl)
    {
        $config = $this->current();
        $url = $typedUrl !== null ? $typedUrl : $config->serviceUrl;
        $secretState = $config->secret !== '' ? 'LBL_SCRM_SETTINGS_SECRET_SET' : 'LBL_SCRM_SETTINGS_SECRET_UNSET';
        // The title block of SuiteCRM's own admin pages (getClassicModuleTitle): SuiteP floats the
        // <h2> left, and the "clear" div puts the intro below the title instead of beside it.
        $html = '<div class="moduleTitle"><h2 class="module-title-text">'
            . $this->e($this->t('LBL_SCRM_SETTINGS_TITLE')) . '</h2><div class="clear"></div></div>'
            . '<p class="scrm-settings-intro">' . $this->e($this->t('LBL_SCRM_SETTINGS_INTRO')) . '</p>';
        foreach ($messages as $message) {
            $html .= $this->message($message[0], $message[1]);
        }
        if ($answer !== null) {
            $html .= '<pre class="scrm-answer">' . $this->e($answer) . '</pre>';
        }
        $html .= '<form method="post" action="' . $this->e(self::FORM_URL) . '" autocomplete="off">'
            . '<input type="hidden" name="scrm_form_token" value="' . $this->e($this->token()) . '">'
            . '<table class="edit view" width="100%"><tr>'
            . '<td scope="row" width="20%"><label for="scrm_service_url">'
            . $this->e($this->t('LBL_SCRM_SETTINGS_URL')) . '</label></td>'
            . '<td><input type="url" id="scrm_service_url" name="scrm_service_url" size="60" maxlength="255" value="'
            . $this->e($url) . '"><br><small>' . $this->e($this->t('LBL_SCRM_SETTINGS_URL_HELP')) . '</small></td>'
            . '</tr><tr>'
            . '<td scope="row"><label for="scrm_shared_secret">' . $this->e($this->t('LBL_SCRM_SETTINGS_SECRET'))
            . '</label></td>'
            . '<td><input type="password" id="scrm_shared_secret" name="scrm_shared_secret" size="40" maxlength="'
            . SCRM_Config::MAX_SECRET_LENGTH . '" value="" autocomplete="new-password"><br><small>'
            . $this->e($this->t($secretState)) . ' ' . $this->e($this->t('LBL_SCRM_SETTINGS_SECRET_HELP'))
            . '</small></td>'
            . '</tr></table>'
            . '<button type="submit" class="button primary" name="scrm_action" value="save">'
            . $this->e($this->t('LBL_SCRM_SETTINGS_SAVE')) . '</button> '
            . '<button type="submit" class="button" name="scrm_action" value="test">'
            . $this->e($this->t('LBL_SCRM_SETTINGS_TEST')) . '</button>'
            . '</form>';
        return $html;
    }

    private function token()
    {
        if (empty($this->session[self::TOKEN_KEY]) || !is_string($this->session[self::TOKEN_KEY])) {
            $this->session[self::TOKEN_KEY] = bin2hex(random_bytes(32));
        }
        return $this->session[self::TOKEN_KEY];
    }

    private function tokenMatches(array $post)
    {
        $expected = isset($this->session[self::TOKEN_KEY]) ? $this->session[self::TOKEN_KEY] : '';
        $given = isset($post['scrm_form_token']) ? $post['scrm_form_token'] : '';
        return is_string($expected) && is_string($given) && $expected !== '' && hash_equals($expected, $given);
    }

    /**
     * The message boxes of SuiteCRM's own admin pages (modules/Administration/templates/
     * RepairUtfEncoding.tpl): the theme's alert styles, green for success, red for errors.
     */
    private function message($kind, $text)
    {
        $attributes = $kind === 'ok' ? 'class="alert alert-success" role="status"' : 'class="alert alert-danger" role="alert"';
        return '<div ' . $attributes . '>' . $this->e($text) . '</div>';
    }

    private function t($key)
    {
        return isset($this->strings[$key]) ? (string) $this->strings[$key] : $key;
    }

    private function e($text)
    {
        return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
    }

    /** Errors only; the method is named, not computed (SuiteCRM's package scanner refuses $obj->$name()). */
    private function log($message)
    {
        if (isset($GLOBALS['log']) && is_object($GLOBALS['log'])) {
            $GLOBALS['log']->error($message);
        }
    }
}
